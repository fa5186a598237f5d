"""The scripted self report every turn bench plays: 24 turns, typed and pressed."""

from __future__ import annotations

import datetime as dt

REPORT: list[tuple[str, str]] = [
    ("text", "Hello"),
    ("press", "danger.no"),
    ("press", "safe_now.safe"),
    ("press", "role.worker"),
    ("press", "consent.agree"),
    ("press", "self_country.MY"),
    ("text", "Johor Bahru"),
    ("press", "self_help.wages"),
    ("press", "cmd:done"),
    ("text", "1, 2"),
    ("press", "self_freedom.both"),
    ("text", "3"),
    ("text", "RM 4.500"),
    ("text", "My employer keeps my passport and has not paid me since August."),
    ("text", "Sari"),
    ("press", "self_contact.this_chat"),
    ("press", "self_times.evening"),
    ("press", "self_regency.Indramayu"),
    ("press", "self_job.domestic"),
    ("press", "self_route.p3mi"),
    ("press", "cmd:skip"),
    ("text", "August 2026"),
    ("press", "cmd:done"),
    ("press", "review.confirm"),
]
START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
