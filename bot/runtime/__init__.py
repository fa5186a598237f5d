"""The turn runtime: record updates, run one turn per conversation at a time, send after commit.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.runtime.delivery import Dispatcher, Sender, SendFailed
from bot.runtime.inbox import Inbox, Translator
from bot.runtime.keeper import LeaseKeeper, process_owner
from bot.runtime.runner import Runner
from bot.runtime.timers import Ticker

__all__ = [
    "Dispatcher",
    "Inbox",
    "LeaseKeeper",
    "Runner",
    "SendFailed",
    "Sender",
    "Ticker",
    "Translator",
    "process_owner",
]
