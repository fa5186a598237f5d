"""The one authorisation rule: which office's cases and which actions a person may have.

The REST API, the console and the Telegram group buttons all ask these functions.
"""

from __future__ import annotations

from enum import StrEnum

from flows.routing import Office
from storage.escalation_models import Caseworker

ALL_OFFICES = frozenset(office.value for office in Office)


class Role(StrEnum):
    """What a person is to the helpline; stored by value."""

    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Act(StrEnum):
    """What someone may want to do with a case or an office."""

    READ = "read"
    """See and open a case, and work it (claim, reply, note, resolve their own)."""
    TAKE_OVER = "take_over"
    """Claim a case someone else holds, or close it for them."""
    LEGAL_HOLD = "legal_hold"
    REFER = "refer"
    """Share a case with a partner (through the consent gate)."""
    MANAGE_ACCOUNTS = "manage_accounts"
    EXPORT_RESEARCH = "export_research"
    """Download the anonymised research export of every office."""


_ROLE_ACTS = {
    Role.CASEWORKER: frozenset({Act.READ}),
    Role.SUPERVISOR: frozenset({Act.READ, Act.TAKE_OVER, Act.LEGAL_HOLD, Act.REFER}),
    Role.ADMIN: frozenset(Act),
}


def role_of(actor: Caseworker) -> Role:
    """Returns a person's role (an unknown stored value counts as the least one)."""
    try:
        return Role(actor.role)
    except ValueError:
        return Role.CASEWORKER


def visible_offices(actor: Caseworker) -> frozenset[str]:
    """Returns the offices whose cases a person may see: their own, or all for an admin."""
    if actor.disabled_at is not None:
        return frozenset()
    if role_of(actor) is Role.ADMIN:
        return ALL_OFFICES | {actor.office}
    return frozenset({actor.office})


def may(actor: Caseworker, act: Act, office: str | None = None) -> bool:
    """Tells whether a person may do something, with a case of an office (None: no case)."""
    if act not in _ROLE_ACTS[role_of(actor)] or actor.disabled_at is not None:
        return False
    return office is None or office in visible_offices(actor)
