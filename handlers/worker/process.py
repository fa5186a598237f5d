"""The worker process: runs turns, senders, timers and escalations for a webhook process.

Started by handlers.worker.link (never by hand): it reads wake-up bytes on stdin and stops only
when stdin closes, so it never outlives the process that started it; a SIGINT or SIGTERM sent to
both (Ctrl+C, a service manager) lets the web process stop it after the work in hand. Settings
come from the same environment. It runs at a lower CPU priority (WORKER_NICE), so that
acknowledging webhooks comes first in a burst and the turns catch up from the inbox right after.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from bot.core import Core
from bot.observability import observe
from bot.runtime.pump import Pump
from bot.settings import Settings
from escalation.delivery import wakeup
from handlers.app import Role, core_of, create_app
from handlers.worker.link import Work

log = logging.getLogger(__name__)


def on_wake(data: bytes, core: Core, pump: Pump) -> None:
    """Wakes whatever the bytes announce."""
    if Work.INBOX.value in data:
        core.inbox.arrived()  # webhooks are coming in: turns give way for a moment
        pump.wake()
    if Work.OUTBOX.value in data:
        core.dispatcher.wake()
    if Work.ESCALATION.value in data:
        wakeup.notify()


async def work(settings: Settings) -> None:
    """Runs the app's background work until stdin closes (the web process stopped or died)."""
    app = create_app(settings, role=Role.WORKER)
    core = core_of(app)
    pump = Pump(core.inbox)
    core.inbox.after_each = pump.wake
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)

    def readable() -> None:
        try:
            data = os.read(stdin, 4096)
        except BlockingIOError:
            return
        if not data:  # the webhook process closed the pipe or died
            loop.remove_reader(stdin)
            stopped.set()
            return
        on_wake(data, core, pump)

    loop.add_reader(stdin, readable)
    for name in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C, or a stop sent to the whole group:
        loop.add_signal_handler(name, lambda: None)  # the web process closes the pipe when done
    async with app.router.lifespan_context(app):
        feeding = asyncio.create_task(pump.run())
        await stopped.wait()
        feeding.cancel()
        await asyncio.gather(feeding, return_exceptions=True)
    log.info("worker stopped")


def main() -> None:
    """Entry point of `python -m handlers.worker.process`."""
    settings = Settings()
    observe(settings, first=False)
    os.nice(settings.worker.nice)
    asyncio.run(work(settings))


if __name__ == "__main__":
    main()
