"""The dispatcher lease: on SQLite exactly one process sends webhooks; it renews the lease."""

import datetime as dt

from sqlalchemy import update
from sqlmodel import Session, col

from storage.db import dialect_insert
from storage.escalation_models import DispatcherLease


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
