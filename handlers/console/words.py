"""The console's words for stored codes: statuses, urgencies, categories, countries, events.

Labels of problems and countries are the questionnaire's own options, so that a caseworker reads
what the reporter chose; a code Suara does not know is shown as it is stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.casework.queue_view import Clock
from bot.casework.reply_forecast import ReplyRoute
from escalation.status import Status
from flows.intake import COUNTRIES, FAMILY_PROBLEMS
from flows.vocabulary import N_

STATUSES: Mapping[str, str] = {
    Status.OPEN: N_("Waiting"),
    Status.DELIVERED: N_("Alert delivered"),
    Status.UNDELIVERABLE: N_("Alert not delivered"),
    Status.ACKNOWLEDGED: N_("Acknowledged"),
    Status.CLAIMED: N_("Claimed"),
    Status.RESOLVED: N_("Resolved"),
    Status.CANCELLED: N_("Cancelled"),
    "submitted": N_("Submitted"),
    "draft": N_("Not finished"),
}
URGENCIES: Mapping[str, str] = {
    "P0": N_("P0 · emergency"),
    "P1": N_("P1 · urgent"),
    "P2": N_("P2 · soon"),
    "P3": N_("P3 · routine"),
}
CATEGORIES: Mapping[str, str] = {option.id: option.label for option in FAMILY_PROBLEMS}
COUNTRIES_SHOWN: Mapping[str, str] = {option.id: option.label for option in COUNTRIES}
CLOCKS: Mapping[str, str] = {
    Clock.RUNNING: N_("Acknowledge within {left}"),
    Clock.OVERDUE: N_("Overdue by {left}"),
    Clock.MET: N_("Acknowledged"),
    Clock.NONE: "",
}
EVENTS: Mapping[str, str] = {
    "case_submitted": N_("Report submitted"),
    "follow_up_received": N_("Message from the reporter"),
    "reporter_message_received": N_("Message from the reporter"),
    "reply_sent": N_("Reply to the reporter"),
    "note_added": N_("Internal note"),
    "evidence_added": N_("Evidence added"),
    "contact_shared": N_("Contact shared"),
    "location_shared": N_("Location shared"),
    "escalation_acknowledged": N_("Acknowledged"),
    "escalation_claimed": N_("Claimed"),
    "escalation_released": N_("Released"),
    "escalation_cancelled": N_("Cancelled"),
    "case_resolved": N_("Resolved"),
    "escalation_reopened": N_("Reopened"),
    "escalation_opened": N_("Sent to the office"),
    "escalation_updated": N_("The office was told of a change"),
    "legal_hold_set": N_("Legal hold set"),
    "legal_hold_released": N_("Legal hold released"),
    "case_shared": N_("Shared with a partner"),
    "share_consent_asked": N_("Reporter asked to consent to a referral"),
    "share_refused": N_("Referral refused: no consent"),
    "urgency_raised": N_("Urgency raised"),
    "emergency_opened": N_("Emergency reported"),
    "handover_requested": N_("Reporter asked for a person"),
    "consent_recorded": N_("Consent recorded"),
    "data_request_made": N_("Data-rights request"),
}
EVENT_OTHER = N_("Recorded: {code}")
ROUTES: Mapping[str, str] = {
    ReplyRoute.NOW: N_("Your reply is sent now."),
    ReplyRoute.AT_SAFE_TIME: N_("Your reply waits for the reporter's safe time: {at}."),
    ReplyRoute.TEMPLATE_FIRST: N_(
        "Outside the WhatsApp 24-hour window: the reporter first gets a neutral message "
        "({at}) and your reply when they answer it."
    ),
    ReplyRoute.UNREACHABLE: N_("The reporter cannot be reached: no reply can be sent."),
}
OUTCOMES: Mapping[str, str] = {
    "resolved": N_("Resolved: help given"),
    "referred": N_("Referred to a partner"),
    "wages_recovered": N_("Wages recovered"),
    "returned_home": N_("Returned home safely"),
    "no_contact": N_("No contact with the reporter"),
    "duplicate": N_("Duplicate of another case"),
    "withdrawn": N_("Withdrawn by the reporter"),
}

REFERRAL_REASONS: Mapping[str, str] = {
    "legal_aid": N_("Legal aid"),
    "shelter": N_("Shelter"),
    "health": N_("Health care"),
    "return_home": N_("Going home"),
    "other_help": N_("Other help"),
}
HOLD_REASONS: Mapping[str, str] = {
    "court_case": N_("A court case"),
    "police_report": N_("A police report"),
    "investigation": N_("An investigation"),
}
DONE: Mapping[str, str] = {
    "acknowledged": N_("Acknowledged. The reporter is told that a caseworker has seen the case."),
    "claimed": N_("You hold this case now."),
    "released": N_("Released: the case is back with the office."),
    "replied": N_("Your reply is on its way to the reporter."),
    "noted": N_("Note saved. The reporter does not see it."),
    "status": N_("Status changed."),
    "resolved": N_("Case resolved. The reporter is told that it is closed."),
    "shared": N_("Shared with the partner."),
    "consent_asked": N_("The reporter is asked whether the case may go to the partner."),
    "held": N_("Legal hold set: the case will not be erased."),
    "unheld": N_("Legal hold released."),
    "unchanged": N_("Nothing changed: the case was already like that."),
}
PROBLEMS: Mapping[str, str] = {
    "held_by_other": N_("Someone else holds this case. A supervisor can take it over."),
    "transition": N_("That change is not possible from the case's current status."),
    "input": N_("Please check what you typed: a message needs 1 to 4000 characters."),
    "refused": N_("The reporter has not agreed to share the case with this partner."),
    "not_allowed": N_("Only a supervisor may do this."),
    "choice": N_("Please choose one of the options."),
}


def word(table: Mapping[str, str], code: str | None) -> str:
    """Returns the msgid for a code, or the code itself when the table has none."""
    if code is None:
        return ""
    return table.get(code, code)
