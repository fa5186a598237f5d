"""The frameworks' in-memory rates: the ceilings Suara's engine and durable turns are compared with.

Usage: python bench/frameworks.py [--runs 5] [--reports 200]
Each framework plays the same 24-turn self report (bench/report_script.py) as Suara's engine
bench: python-telegram-bot's ConversationHandler (one state per question, a message or a button
handler per state, the answer kept in user_data) and aiogram's FSM with MemoryStorage (a state
filter per question, the answer kept in the FSM data). Neither sends anything: like the pure
engine, they only decide the next state.

Each update starts as the decoded Bot API object a webhook hands over, so a framework's rate
includes building its Update (as the framework must before any handler runs). With
`parsed=True` the Updates are built before the clock starts: the dispatch alone, a much higher
rate (python-telegram-bot spends most of an update in `Update.de_json`); the bench prints both.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent))

import method  # noqa: E402
from report_script import REPORT  # noqa: E402

TOKEN = "123456:bench-token-never-used"
EPOCH = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())


def update_dicts(reports: int) -> list[dict[str, Any]]:
    """Returns the Bot API updates of many reporters filing the scripted report, in turn order."""
    found: list[dict[str, Any]] = []
    for reporter in range(reports):
        chat = {"id": 10_000 + reporter, "type": "private", "first_name": "R"}
        sender = {"id": 10_000 + reporter, "is_bot": False, "first_name": "R"}
        for n, (kind, value) in enumerate(REPORT):
            message = {"message_id": n + 1, "date": EPOCH + n, "chat": chat, "from": sender}
            update_id = len(found) + 1
            if kind == "press":
                bot_message = {**message, "from": {"id": 1, "is_bot": True, "first_name": "B"}}
                found.append(
                    {
                        "update_id": update_id,
                        "callback_query": {
                            "id": str(update_id),
                            "from": sender,
                            "chat_instance": str(reporter),
                            "data": value,
                            "message": {**bot_message, "text": "question"},
                        },
                    }
                )
            else:
                found.append({"update_id": update_id, "message": {**message, "text": value}})
    return found


def answered(counts: list[int]) -> None:
    """Fails the bench unless every reporter's conversation took every answer."""
    if len(counts) == 0 or any(count != len(REPORT) for count in counts):
        raise RuntimeError(f"a framework lost answers: {sorted(set(counts))} of {len(REPORT)}")


async def _ptb_rate(reports: int, parsed: bool) -> float:
    """Feeds the updates through a ConversationHandler; returns updates per second."""
    from telegram import Update, User
    from telegram.ext import (
        Application,
        CallbackQueryHandler,
        ContextTypes,
        ConversationHandler,
        ExtBot,
        MessageHandler,
        filters,
    )
    from telegram.warnings import PTBUserWarning

    class OfflineBot(ExtBot[None]):
        """A bot that knows itself without asking the Bot API."""

        async def get_me(self, *args: Any, **kwargs: Any) -> User:
            """Returns a fixed bot user; the bench never reaches the network."""
            self._bot_user = User(1, "Bench", True, username="bench_bot")
            return self._bot_user

    last = len(REPORT) - 1

    def step(n: int) -> Any:
        """Returns the handler of question n: keep the answer, go to the next question."""

        async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            said = update.callback_query.data if update.callback_query else update.message.text
            context.user_data[n] = said  # type: ignore[index]
            return ConversationHandler.END if n == last else n + 1

        return answer

    states = {
        n: [MessageHandler(filters.TEXT & ~filters.COMMAND, step(n)), CallbackQueryHandler(step(n))]
        for n in range(1, len(REPORT))
    }
    with warnings.catch_warnings():
        # Its advice is for keyboards tracked per message; the report is tracked per chat.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[MessageHandler(filters.TEXT & ~filters.COMMAND, step(0))],
            states=states,  # type: ignore[arg-type]
            fallbacks=[],
            per_message=False,
        )
    application = Application.builder().bot(OfflineBot(TOKEN)).updater(None).build()
    application.add_handler(conversation)
    await application.initialize()
    bot = application.bot
    raw = update_dicts(reports)
    updates = [Update.de_json(data, bot) for data in raw] if parsed else raw
    began = time.perf_counter()
    for update in updates:
        await application.process_update(update if parsed else Update.de_json(update, bot))
    elapsed = time.perf_counter() - began
    answered([len(application.user_data[10_000 + r]) for r in range(reports)])
    await application.shutdown()
    return len(updates) / elapsed


async def _aiogram_rate(reports: int, parsed: bool) -> float:
    """Feeds the updates through aiogram's FSM with MemoryStorage; returns updates per second."""
    from aiogram import Bot, Dispatcher, Router
    from aiogram.filters import StateFilter
    from aiogram.fsm.context import FSMContext
    from aiogram.fsm.storage.memory import MemoryStorage
    from aiogram.types import CallbackQuery, Message, Update

    router = Router()
    last = len(REPORT) - 1
    answers: dict[int, dict[str, Any]] = {}

    def step(n: int) -> Any:
        """Returns the handler of question n: keep the answer, go to the next question."""

        async def answer(event: Message | CallbackQuery, state: FSMContext) -> None:
            said = event.data if isinstance(event, CallbackQuery) else event.text
            if n == last:
                answers[state.key.chat_id] = {**await state.get_data(), str(n): said}
            await state.update_data({str(n): said})
            await (state.clear() if n == last else state.set_state(f"q{n + 1}"))

        return answer

    for n in range(len(REPORT)):
        stage = StateFilter(None) if n == 0 else StateFilter(f"q{n}")
        router.message.register(step(n), stage)
        router.callback_query.register(step(n), stage)
    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(router)
    bot = Bot(TOKEN)
    raw = update_dicts(reports)
    updates = [Update.model_validate(d, context={"bot": bot}) for d in raw] if parsed else raw
    began = time.perf_counter()
    for update in updates:
        built = update if parsed else Update.model_validate(update, context={"bot": bot})
        await dispatcher.feed_update(bot, built)
    elapsed = time.perf_counter() - began
    answered([len(data) for data in answers.values()])
    await bot.session.close()
    return len(updates) / elapsed


def ptb_updates_per_second(reports: int = 200, *, parsed: bool = False) -> float:
    """Returns python-telegram-bot's ConversationHandler rate over the scripted reports."""
    return asyncio.run(_ptb_rate(reports, parsed))


def aiogram_updates_per_second(reports: int = 200, *, parsed: bool = False) -> float:
    """Returns aiogram's FSM (MemoryStorage) rate over the scripted reports."""
    return asyncio.run(_aiogram_rate(reports, parsed))


def main() -> None:
    """Measures both frameworks run after run and prints the raw runs and medians."""
    parser = method.parser(__doc__)
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()
    print(method.header())
    measures = {
        "python-telegram-bot ConversationHandler": ptb_updates_per_second,
        "aiogram FSM, MemoryStorage": aiogram_updates_per_second,
    }
    found: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for name, measure in measures.items():
            found.setdefault(name, []).append(measure(args.reports))
            found.setdefault(f"{name}, Updates built beforehand", []).append(
                measure(args.reports, parsed=True)
            )
    print("\n| framework, in memory | updates/s (median) | runs |\n|---|---:|---|")
    for name, rates in found.items():
        runs = ", ".join(f"{rate:,.0f}" for rate in rates)
        print(f"| {name} | {statistics.median(rates):,.0f} | {runs} |")


if __name__ == "__main__":
    main()
