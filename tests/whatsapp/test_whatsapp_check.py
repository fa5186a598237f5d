"""`suara check` on WhatsApp: the token's validity and send scope, and its phone number id."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph, Served
from settings_helpers import make_settings

from bot.settings import Settings
from handlers.whatsapp.admin import SEND_SCOPE, check


@pytest.fixture
def graph() -> Iterator[Served]:
    """A fake Graph API for the length of one test."""
    served = Served(FakeGraph()).start()
    yield served
    served.stop()


def configured(graph: Served, **values: str) -> Settings:
    """Returns settings pointing WhatsApp at the fake Graph API."""
    wanted = {
        "whatsapp_access_token": TOKEN,
        "whatsapp_phone_number_id": PHONE_NUMBER_ID,
        "whatsapp_api_base_url": graph.api_base_url,
    }
    return make_settings(env_file=None, **{**wanted, **values})


def test_a_valid_token_with_the_send_scope_passes(
    graph: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    passed, reason = check(configured(graph))
    assert passed is True
    assert reason == f"token valid with {SEND_SCOPE}; phone number id {PHONE_NUMBER_ID}"
    assert [call["path"] for call in graph.fake.calls] == [
        "/v23.0/debug_token",
        f"/v23.0/{PHONE_NUMBER_ID}",
    ]
    assert TOKEN not in reason + caplog.text


def test_a_token_without_the_send_scope_fails(graph: Served) -> None:
    graph.fake.scopes = ("whatsapp_business_management",)
    passed, reason = check(configured(graph))
    assert passed is False
    assert reason == f"the access token lacks {SEND_SCOPE} (it has: whatsapp_business_management)"


def test_a_refused_token_another_number_and_no_graph_api_fail(graph: Served) -> None:
    passed, reason = check(configured(graph, whatsapp_access_token="EAAG-revoked"))
    assert (passed, reason) == (False, "debug_token refused: 401 (#190) Invalid OAuth access token")
    passed, reason = check(configured(graph, whatsapp_phone_number_id="555"))
    assert passed is False
    assert reason.startswith("phone number id 555 not reachable: ")
    unreachable = configured(graph, whatsapp_api_base_url="http://127.0.0.1:9/v23.0")
    assert check(unreachable) == (False, "Graph API unreachable (ConnectError)")


def test_without_a_token_it_is_not_configured() -> None:
    passed, reason = check(make_settings(env_file=None, whatsapp_access_token=None))
    assert passed is None
    assert reason.startswith("not configured")
