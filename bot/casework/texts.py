"""Sentences caseworkers read in a Telegram caseworker group: alerts, who holds a case, answers.

Neutral on purpose: a case reference and codes in words, never a reporter's name, number or words.
"""

from __future__ import annotations

from collections.abc import Mapping

from flows.intake import FAMILY_PROBLEMS
from flows.vocabulary import N_

NEW_CASE = N_("New case {reference}")
MOVED_UP = N_("Nobody acknowledged case {reference} in time: it is now at this level.")
MORE_URGENT = N_("Case {reference} became more urgent.")
URGENCY = N_("Urgency: {urgency}")
PROBLEMS = N_("Problems: {categories}")
OFFICE_LEVEL = N_("Office: {office}. Level: {level}.")
PRESS = N_(
    "Press Acknowledge if you saw it, or Claim to take the case. "
    "The details are in the caseworker system."
)
ACKNOWLEDGE = N_("Acknowledge")
CLAIM = N_("Claim")
ACKNOWLEDGED_BY = N_("Acknowledged by {name}.")
CLAIMED_BY = N_("Held by {name}.")
ONLY_REGISTERED = N_("Only registered caseworkers of this office can press these buttons.")
ALREADY_HELD = N_("This case is already held by {name}.")
DONE_ACKNOWLEDGED = N_("You acknowledged the case.")
DONE_CLAIMED = N_("You hold the case now.")
NOTHING_CHANGED = N_("Nothing changed: the case is {status}.")
UNKNOWN_CASE = N_("This case is no longer open here.")
NO_PROBLEM = N_("not given")

URGENCIES: Mapping[str, str] = {
    "P0": N_("P0, emergency"),
    "P1": N_("P1, urgent"),
    "P2": N_("P2, soon"),
    "P3": N_("P3, normal"),
}
LEVELS: Mapping[str, str] = {
    "office": N_("office"),
    "supervisor": N_("supervisor or on call"),
    "jakarta": N_("Jakarta"),
    "operator": N_("operator"),
}
STATUSES: Mapping[str, str] = {
    "open": N_("open"),
    "delivered": N_("open"),
    "undeliverable": N_("open"),
    "acknowledged": N_("acknowledged"),
    "claimed": N_("claimed"),
    "resolved": N_("resolved"),
    "cancelled": N_("cancelled"),
}
CATEGORIES: Mapping[str, str] = {
    **{option.id: option.label for option in FAMILY_PROBLEMS},
    "TPPO": N_("Trafficking"),
    "PIDANA": N_("A crime"),
    "UTANG": N_("Debt"),
    "NONDOK": N_("No papers"),
    "ABK": N_("Work at sea"),
}
"""Problem category codes in words (the reporter's own option labels where there is one)."""
