"""Casework: what caseworkers do with a case, what it tells the reporter, and who may see what.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.casework.desk import build_desk
from bot.casework.desk import hook as escalation_hook
from bot.casework.rights.requests import apply_rights

__all__ = ["apply_rights", "build_desk", "escalation_hook"]
