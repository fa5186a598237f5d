"""Sessions and throttling on their own: the window slides, a session ends idle, old or revoked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from bot.staff import ConsoleSettings, close_session, current_account
from bot.staff.sessions import open_session
from bot.staff.throttle import AddressThrottle
from storage import caseworkers, db

T0 = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)


def test_an_address_is_refused_after_the_limit_and_free_again_when_the_window_passes() -> None:
    throttle = AddressThrottle(3, dt.timedelta(minutes=15))
    for minute in range(3):
        assert not throttle.blocked("10.0.0.1", T0 + dt.timedelta(minutes=minute))
        throttle.failed("10.0.0.1", T0 + dt.timedelta(minutes=minute))
    assert throttle.blocked("10.0.0.1", T0 + dt.timedelta(minutes=5))
    assert not throttle.blocked("10.0.0.2", T0 + dt.timedelta(minutes=5))
    assert not throttle.blocked("10.0.0.1", T0 + dt.timedelta(minutes=15, seconds=1))


def _session(engine: Engine, settings: ConsoleSettings) -> tuple[str, int]:
    with db.session(engine) as session:
        who = caseworkers.create_caseworker(session=session, name="Sri", office="jember")
        return open_session(session, who, settings, T0), who.id or 0


def test_a_session_lives_while_used_and_ends_when_idle(engine: Engine) -> None:
    settings = ConsoleSettings(session_idle_minutes=30, session_max_hours=2)
    token, who = _session(engine, settings)
    for minutes in (20, 45, 70):  # each use moves the idle deadline on
        found = current_account(engine, token, settings, T0 + dt.timedelta(minutes=minutes))
        assert found is not None
        assert found.id == who
    assert current_account(engine, token, settings, T0 + dt.timedelta(minutes=101)) is None
    assert current_account(engine, "not-a-token", settings, T0) is None


def test_a_session_ends_at_its_absolute_expiry_even_in_use(engine: Engine) -> None:
    settings = ConsoleSettings(session_idle_minutes=30, session_max_hours=1)
    token, _ = _session(engine, settings)
    for minutes in (25, 50):
        assert current_account(engine, token, settings, T0 + dt.timedelta(minutes=minutes))
    assert current_account(engine, token, settings, T0 + dt.timedelta(minutes=61)) is None


def test_a_closed_session_is_over(engine: Engine) -> None:
    settings = ConsoleSettings()
    token, _ = _session(engine, settings)
    found = current_account(engine, token, settings, T0)
    assert found is not None
    close_session(engine, token, found, T0)
    assert current_account(engine, token, settings, T0) is None
