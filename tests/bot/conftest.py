"""Fixtures for the bot runtime: catalogs, context and a runner over each database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from bot.safety.help_contacts import load_contacts
from bot.settings import Settings
from flows.context import Context


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture(scope="session")
def context(catalogs: Catalogs) -> Context:
    contacts = load_contacts(Settings().files.help_contacts_file)
    return Context(contacts=contacts.contacts, aliases=catalogs.aliases())


@pytest.fixture
def runner(engine: Engine, catalogs: Catalogs, context: Context) -> Runner:
    return Runner(engine, catalogs, context)
