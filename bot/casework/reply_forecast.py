"""When a caseworker's reply will really reach the reporter, said before it is sent.

A reply is an unprompted message: it waits for the reporter's next safe time, and on WhatsApp,
outside the 24-hour window, only the neutral template goes out until the reporter answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.envelopes import Channel
from bot.safety import next_safe_time
from storage.models import Reporter


class ReplyRoute(StrEnum):
    """How a reply typed now travels to the reporter."""

    NOW = "now"
    AT_SAFE_TIME = "at_safe_time"
    TEMPLATE_FIRST = "template_first"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class ReplyForecast:
    """The route of a reply, when it leaves, and what decided it."""

    route: ReplyRoute
    send_at: dt.datetime | None
    safe_times: tuple[str, ...]
    window_until: dt.datetime | None
    """WhatsApp only: until when free text reaches the reporter."""


def forecast(reporter: Reporter | None, channel: str, now: dt.datetime) -> ReplyForecast:
    """Returns how and when a reply typed at `now` reaches the reporter."""
    if reporter is None or reporter.unreachable or reporter.erased_at is not None:
        return ReplyForecast(ReplyRoute.UNREACHABLE, None, (), None)
    safe = tuple(reporter.safe_times or ())
    send_at = next_safe_time(reporter, now)
    window = reporter.wa_window_until if channel == Channel.WHATSAPP.value else None
    if channel == Channel.WHATSAPP.value and (window is None or window <= send_at):
        return ReplyForecast(ReplyRoute.TEMPLATE_FIRST, send_at, safe, window)
    route = ReplyRoute.NOW if send_at <= now else ReplyRoute.AT_SAFE_TIME
    return ReplyForecast(route, send_at, safe, window)
