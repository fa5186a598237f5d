"""Emergency: help numbers first, then only country, how to reach them, and a call-back."""

from __future__ import annotations

from flows.intake.choices import COUNTRIES
from flows.steps import Choose, Finish, Flow, Inform, Option, Provider
from flows.vocabulary import N_, EventName, Status

EMERGENCY = Flow(
    id="emergency",
    title=N_("Emergency"),
    start="emergency_contacts",
    steps=(
        Inform(
            id="emergency_contacts",
            text=N_("If you are in danger now, call:\n{contacts}"),
            next="emergency_country",
            provider=Provider.GENERAL_CONTACTS,
        ),
        Choose(
            id="emergency_country",
            prompt=N_("Which country are you, or the person in danger, in now?"),
            summary=N_("Country"),
            options=COUNTRIES,
            next="emergency_local",
        ),
        Inform(
            id="emergency_local",
            text=N_("Numbers for that country:\n{contacts}"),
            next="can_talk",
            provider=Provider.COUNTRY_CONTACTS,
        ),
        Choose(
            id="can_talk",
            prompt=N_("Can you type or talk now?"),
            summary=N_("Can type or talk"),
            options=(
                Option("type", N_("I can type")),
                Option("talk", N_("I can talk")),
                Option("neither", N_("Neither right now"), triggers=("cannot_reply_later",)),
            ),
            next="emergency_channel",
        ),
        Choose(
            id="emergency_channel",
            prompt=N_("What is the safest way for us to reach you?"),
            summary=N_("Safest way to reach"),
            options=(
                Option("this_chat", N_("This chat")),
                Option("call", N_("Phone call")),
                Option("via_family", N_("Through my family")),
            ),
            next="emergency_callback",
        ),
        Choose(
            id="emergency_callback",
            prompt=N_("Do you want a Migrant CARE worker to contact you?"),
            summary=N_("Wants a call-back"),
            options=(
                Option(
                    "yes",
                    N_("Yes, contact me"),
                    next="emergency_submitted",
                    consent=("case_handling", "given"),
                    emits=EventName.HANDOVER_REQUESTED,
                ),
                Option("no", N_("No, not now"), next="emergency_declined"),
            ),
        ),
        Finish(
            id="emergency_submitted",
            text=N_(
                "Thank you, your case number is {reference}. A person from Migrant "
                "CARE will try to reach you by {deadline}. Keep the numbers above, and "
                "delete this chat to hide it."
            ),
            status=Status.SUBMITTED,
        ),
        Finish(
            id="emergency_declined",
            text=N_(
                "Okay, keep the numbers above. You can write to us again at any time, "
                "and a person will answer."
            ),
            status=Status.STOPPED,
        ),
    ),
)
