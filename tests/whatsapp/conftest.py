"""WhatsApp fixtures: the fake Graph API over real HTTP, the app over ASGI, a reporter's phone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fake_graph import FakeGraph, Served
from wa_harness import WaApp, running


@pytest.fixture(scope="session")
def graph() -> Iterator[Served]:
    """The fake Graph API, served once for the session on an ephemeral port."""
    served = Served(FakeGraph()).start()
    yield served
    served.stop()


@pytest.fixture
def fake(graph: Served) -> FakeGraph:
    """The fake's state, emptied for each test."""
    graph.fake.reset()
    return graph.fake


@pytest.fixture
async def wa(
    database_url: str, tmp_path: Path, graph: Served, fake: FakeGraph
) -> AsyncIterator[WaApp]:
    """The app with WhatsApp configured, on SQLite and PostgreSQL."""
    async with running(database_url, tmp_path / "files", graph) as found:
        yield found


@pytest.fixture
async def wa_lite(tmp_path: Path, graph: Served, fake: FakeGraph) -> AsyncIterator[WaApp]:
    """The same app on SQLite only, for what does not depend on the database."""
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    async with running(url, tmp_path / "files", graph) as found:
        yield found
