"""The reporter's protection: consents and safe times, the code word, the quick exit, erasure,
retention, encryption keys, reachability and the help numbers.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.safety.codeword import with_code_word
from bot.safety.consents import record_safe_times, request_share_consent
from bot.safety.erasure import erase_case
from bot.safety.help_contacts import HelpContacts, load_contacts
from bot.safety.keys import KeyringError, first_unreadable_column, key_file
from bot.safety.keys import install as install_keys
from bot.safety.keys import report as key_report
from bot.safety.keys import rotate as rotate_keys
from bot.safety.quick_exit import hook as quick_exit_hook
from bot.safety.retention import command as retention_command
from bot.safety.retention import run_once as run_retention
from bot.safety.safe_times import (
    hold_until_safe,
    next_safe_time,
    queue_when_safe,
    release_deferred,
)

__all__ = [
    "HelpContacts",
    "KeyringError",
    "erase_case",
    "first_unreadable_column",
    "hold_until_safe",
    "install_keys",
    "key_file",
    "key_report",
    "load_contacts",
    "next_safe_time",
    "queue_when_safe",
    "quick_exit_hook",
    "record_safe_times",
    "release_deferred",
    "request_share_consent",
    "retention_command",
    "rotate_keys",
    "run_retention",
    "with_code_word",
]
