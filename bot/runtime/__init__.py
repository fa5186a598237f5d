"""The turn runtime: record updates, run one turn per conversation at a time, send after commit.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.runtime.delivery import Dispatcher
from bot.runtime.inbox import Inbox, Translator
from bot.runtime.keeper import LeaseKeeper, process_owner
from bot.runtime.runner import Runner
from bot.runtime.sending import PartsDelivered, Sender, SendFailed
from bot.runtime.timers import Ticker

__all__ = [
    "Dispatcher",
    "Inbox",
    "LeaseKeeper",
    "PartsDelivered",
    "Runner",
    "SendFailed",
    "Sender",
    "Ticker",
    "Translator",
    "process_owner",
]
