"""What a reporter shares besides answers: a contact is kept at once, a place only once confirmed.

A location says where someone is; if the phone is read, that can endanger them. So Suara warns
and asks before it keeps one, and a "No" (or anything else) keeps nothing.
"""

from __future__ import annotations

from flows import messages as msg
from flows.parsers import parse_yes_no
from flows.state import Pending
from flows.turn import Draft, button
from flows.vocabulary import EventName, InputKind, Text, UserInput

PLACE_STEP = "place"
"""The button prefix of the keep-this-location question (`place.yes`, `place.no`)."""


def keep_contact(draft: Draft, inp: UserInput) -> None:
    """Emits a shared contact for the runtime to keep as evidence, and thanks the reporter."""
    assert inp.contact is not None
    draft.emit(
        EventName.CONTACT_SHARED,
        step=draft.state.step_id,
        phone=inp.contact.phone,
        is_own=inp.contact.is_own,
    )
    draft.say(Text(msg.CONTACT_KEPT))


def offer_place(draft: Draft, inp: UserInput) -> None:
    """Holds a shared location and asks, with a warning, whether to keep it."""
    assert inp.location is not None
    draft.update(pending=Pending.PLACE, place=inp.location)
    draft.say(
        Text(msg.PLACE_CONFIRM),
        buttons=(
            button(PLACE_STEP, "yes", msg.BUTTON_YES),
            button(PLACE_STEP, "no", msg.BUTTON_NO),
        ),
    )


def take_place(draft: Draft, inp: UserInput) -> bool:
    """Keeps the held location on a yes, drops it otherwise; False when the input is no answer.

    Anything but a yes or a no also drops the location (it is never kept unasked) and is then
    handled as the input it is.
    """
    place = draft.state.place
    draft.update(pending=None, place=None)
    said = (inp.choice_id or "").removeprefix(f"{PLACE_STEP}.") if inp.choice_id else None
    said = said or (parse_yes_no(inp.text) if inp.kind is InputKind.TEXT else None)
    if said not in ("yes", "no"):
        return False
    if said == "yes" and place is not None:
        latitude, longitude = place
        draft.emit(
            EventName.LOCATION_SHARED,
            step=draft.state.step_id,
            latitude=latitude,
            longitude=longitude,
        )
        draft.say(Text(msg.PLACE_KEPT))
    else:
        draft.say(Text(msg.PLACE_NOT_KEPT))
    return True
