"""The bot's services wired together once per process: database, catalogs, runner, queues."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.casework import escalation_hook
from bot.envelopes import Channel
from bot.evidence import FileStore
from bot.i18n import Catalogs
from bot.runtime import (
    Dispatcher,
    Inbox,
    LeaseKeeper,
    Runner,
    Sender,
    Ticker,
    Translator,
    process_owner,
)
from bot.safety import install_keys, load_contacts, quick_exit_hook
from bot.settings import Settings
from flows.context import Context
from storage import db


@dataclass
class Core:
    """Everything a process needs to take messages in and send replies out."""

    settings: Settings
    engine: Engine
    catalogs: Catalogs
    runner: Runner
    dispatcher: Dispatcher
    inbox: Inbox
    ticker: Ticker
    files: FileStore
    keeper: LeaseKeeper
    """Renews this process's claims on inbox and outbox rows (started where turns run)."""
    background: list[Callable[[], Coroutine[object, object, None]]] = field(default_factory=list)
    """Long-running tasks a channel adds (long polling, say), started with the app."""
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Clean-ups a channel adds (closing HTTP clients), run when the app stops."""

    def add_channel(self, channel: Channel, sender: Sender, translator: Translator) -> None:
        """Registers how a channel's updates come in and its replies go out."""
        self.dispatcher.senders[channel] = sender
        self.inbox.translators[channel] = translator


def build_context(settings: Settings, catalogs: Catalogs) -> Context:
    """Returns the engine's context: help contacts and every translation of each label."""
    contacts = load_contacts(settings.files.help_contacts_file)
    return Context(contacts=contacts.contacts, aliases=catalogs.aliases())


def build_core(
    settings: Settings,
    senders: Mapping[Channel, Sender],
    translators: Mapping[Channel, Translator],
    engine: Engine | None = None,
    *,
    worker: bool = False,
) -> Core:
    """Wires the bot's services for one process (`worker`: the worker's statement timeout)."""
    install_keys(settings)
    engine = engine or db.make_engine(
        settings.database.url, settings.database.timeouts(worker=worker)
    )
    catalogs = Catalogs()
    leases = settings.worker
    owner = process_owner()
    dispatcher = Dispatcher(engine, senders, lease_seconds=leases.outbox_lease_seconds, owner=owner)
    runner = Runner(
        engine,
        catalogs,
        build_context(settings, catalogs),
        on_commit=dispatcher.wake,
        after_turn=[escalation_hook(settings), quick_exit_hook(catalogs)],
    )
    inbox = Inbox(
        engine, runner, translators, owner=owner, lease_seconds=leases.inbox_lease_seconds
    )
    keeper = LeaseKeeper(
        engine,
        owner,
        inbox_seconds=leases.inbox_lease_seconds,
        outbox_seconds=leases.outbox_lease_seconds,
        inbox_held=lambda: inbox.in_flight,
        outbox_held=lambda: dispatcher.sending,
    )
    ticker = Ticker(
        engine, runner, inbox, dispatcher, settings.worker.timer_tick_seconds, settings=settings
    )
    return Core(
        settings=settings,
        engine=engine,
        catalogs=catalogs,
        runner=runner,
        dispatcher=dispatcher,
        inbox=inbox,
        ticker=ticker,
        files=FileStore(settings.files.store),
        keeper=keeper,
    )
