"""Leases and heartbeats: on SQLite exactly one process sends webhooks and renews its lease;
every process that runs background work renews a heartbeat row that readiness checks read."""

import datetime as dt
from collections.abc import Collection

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.db import count_updated, dialect_insert
from storage.escalation_models import DispatcherLease
from storage.models import InboundUpdate, OutboxMessage


def acquire_lease(
    *, session: Session, name: str, owner: str, now: dt.datetime, seconds: float
) -> bool:
    """Takes or renews the named dispatcher lease; False while another live owner holds it."""
    until = now + dt.timedelta(seconds=seconds)
    session.exec(
        dialect_insert(session, DispatcherLease)
        .values(name=name, owner=owner, expires_at=until)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    stmt = (
        update(DispatcherLease)
        .where(
            col(DispatcherLease.name) == name,
            (col(DispatcherLease.owner) == owner) | (col(DispatcherLease.expires_at) < now),
        )
        .values(owner=owner, expires_at=until)
        .returning(col(DispatcherLease.name))
        .execution_options(synchronize_session=False)
    )
    return session.exec(stmt).scalar_one_or_none() is not None


def release_lease(*, session: Session, name: str, owner: str, now: dt.datetime) -> None:
    """Gives the dispatcher lease up at once (a clean stop)."""
    stmt = (
        update(DispatcherLease)
        .where(col(DispatcherLease.name) == name, col(DispatcherLease.owner) == owner)
        .values(expires_at=now - dt.timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    session.exec(stmt)


HEARTBEAT_PREFIX = "heartbeat:"
"""Lease rows named like this are heartbeats: a process renews its own while it runs."""


def beat(*, session: Session, owner: str, now: dt.datetime, seconds: float) -> None:
    """Renews this process's heartbeat (good for `seconds`) and drops heartbeats long dead."""
    name = HEARTBEAT_PREFIX + owner
    until = now + dt.timedelta(seconds=seconds)
    session.exec(
        dialect_insert(session, DispatcherLease)
        .values(name=name, owner=owner, expires_at=until)
        .on_conflict_do_update(index_elements=["name"], set_={"expires_at": until})
    )
    stale = delete(DispatcherLease).where(
        col(DispatcherLease.name).startswith(HEARTBEAT_PREFIX),
        col(DispatcherLease.expires_at) < now - dt.timedelta(days=1),
    )
    session.exec(stale)


def lease_expiries(*, session: Session) -> dict[str, dt.datetime]:
    """Returns when each lease and heartbeat runs out, by name."""
    rows = session.exec(select(DispatcherLease.name, DispatcherLease.expires_at))
    return {name: expires_at for name, expires_at in rows}


def extend_row_leases(
    *,
    session: Session,
    table: type[InboundUpdate] | type[OutboxMessage],
    status: str,
    owner: str,
    until: dt.datetime,
    ids: Collection[int] | None,
) -> int:
    """Moves owner's leases on a queue's rows in `status` (only `ids`, if given) to `until`."""
    stmt = (
        update(table)
        .where(col(table.lease_owner) == owner, col(table.status) == status)
        .values(lease_until=until)
    )
    if ids is not None:
        stmt = stmt.where(col(table.id).in_(list(ids)))
    return count_updated(session, stmt, col(table.id))
