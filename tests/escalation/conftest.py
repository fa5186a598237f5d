"""Fixtures for the hand-off tests: a fake clock and loopback receivers started on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from esc_helpers import Clock
from esc_receiver import Receiver

from escalation.delivery.signing import new_secret


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime.now(dt.UTC))


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    """Starts receivers on demand; stops them all after the test."""
    started: list[Receiver] = []

    def start(default: str = "ok") -> Receiver:
        receiver = Receiver(secret=new_secret(), default=default).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()
