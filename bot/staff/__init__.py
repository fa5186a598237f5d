"""Staff: console accounts, passwords and second factors, sessions, throttling, and the one
authorisation rule (who may see which office's cases and do what).

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.staff.access import Act, Role, may, role_of, visible_offices
from bot.staff.accounts import (
    AccountError,
    add_account,
    disable_account,
    enrol_totp,
    new_link,
    reset_account,
    set_locale,
)
from bot.staff.credentials import MIN_PASSWORD, csrf_token, new_token, same
from bot.staff.demo import DemoAccount, demo_accounts, demo_secret
from bot.staff.demo import ensure as ensure_demo_account
from bot.staff.sessions import close as close_session
from bot.staff.sessions import current as current_account
from bot.staff.settings import ConsoleSettings
from bot.staff.signin import Refusal, SignIn

__all__ = [
    "MIN_PASSWORD",
    "AccountError",
    "Act",
    "ConsoleSettings",
    "DemoAccount",
    "Refusal",
    "Role",
    "SignIn",
    "add_account",
    "close_session",
    "csrf_token",
    "current_account",
    "demo_accounts",
    "demo_secret",
    "disable_account",
    "enrol_totp",
    "ensure_demo_account",
    "may",
    "new_link",
    "new_token",
    "reset_account",
    "role_of",
    "same",
    "set_locale",
    "visible_offices",
]
