"""The console says when a reply will reach the reporter: now, at a safe time, or template first."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.casework.reply_forecast import ReplyRoute, forecast
from storage.models import Reporter

NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _reporter(**values: object) -> Reporter:
    return Reporter(channel="telegram", channel_user_id="1", **values)


def test_no_safe_times_on_telegram_is_now() -> None:
    found = forecast(_reporter(), "telegram", NOON)
    assert (found.route, found.send_at) == (ReplyRoute.NOW, NOON)


def test_outside_the_safe_window_waits_for_its_start() -> None:
    # 21:00 in Kuala Lumpur (UTC+8) is 13:00 UTC.
    found = forecast(
        _reporter(safe_times=["21:00-22:00"], utc_offset_minutes=480), "telegram", NOON
    )
    assert found.route is ReplyRoute.AT_SAFE_TIME
    assert found.send_at == dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)
    assert found.safe_times == ("21:00-22:00",)


def test_inside_the_safe_window_is_now() -> None:
    reporter = _reporter(safe_times=["19:00-21:00"], utc_offset_minutes=480)
    assert forecast(reporter, "telegram", NOON).route is ReplyRoute.NOW


@pytest.mark.parametrize(
    ("until", "route"),
    [
        (None, ReplyRoute.TEMPLATE_FIRST),
        (NOON - dt.timedelta(minutes=1), ReplyRoute.TEMPLATE_FIRST),
        (NOON + dt.timedelta(hours=3), ReplyRoute.NOW),
    ],
)
def test_whatsapp_outside_the_24_hour_window_sends_the_template_first(
    until: dt.datetime | None, route: ReplyRoute
) -> None:
    found = forecast(_reporter(wa_window_until=until), "whatsapp", NOON)
    assert (found.route, found.window_until) == (route, until)


def test_a_window_that_closes_before_the_safe_time_means_template_first() -> None:
    reporter = _reporter(
        safe_times=["21:00-22:00"],
        utc_offset_minutes=480,
        wa_window_until=NOON + dt.timedelta(minutes=30),
    )
    assert forecast(reporter, "whatsapp", NOON).route is ReplyRoute.TEMPLATE_FIRST


@pytest.mark.parametrize(
    "values", [{"unreachable": True}, {"erased_at": NOON - dt.timedelta(days=1)}]
)
def test_a_reporter_who_blocked_the_bot_or_was_erased_is_unreachable(
    values: dict[str, object],
) -> None:
    assert forecast(_reporter(**values), "telegram", NOON).route is ReplyRoute.UNREACHABLE
    assert forecast(None, "telegram", NOON).route is ReplyRoute.UNREACHABLE


@given(
    start=st.integers(0, 23),
    length=st.integers(1, 23),
    offset=st.integers(-12 * 60, 14 * 60),
    minute=st.integers(0, 24 * 60 - 1),
)
def test_a_reply_never_leaves_before_now_nor_more_than_a_day_later(
    start: int, length: int, offset: int, minute: int
) -> None:
    window = f"{start:02d}:00-{(start + length) % 24:02d}:00"
    now = NOON + dt.timedelta(minutes=minute)
    found = forecast(_reporter(safe_times=[window], utc_offset_minutes=offset), "telegram", now)
    assert found.send_at is not None
    assert now <= found.send_at <= now + dt.timedelta(days=1)
    assert (found.route is ReplyRoute.NOW) == (found.send_at == now)
