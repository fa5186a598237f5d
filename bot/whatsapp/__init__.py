"""WhatsApp bookkeeping: who a chat is, the 24-hour window, recording webhooks, neutral texts.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.whatsapp.chats import window_states
from bot.whatsapp.texts import UNPROMPTED

__all__ = ["UNPROMPTED", "window_states"]
