"""Asking a reporter, at the time of a referral, whether their case may go to a named body."""

from __future__ import annotations

from flows import messages as msg
from flows.consent import CONSENT_VERSIONS, Purpose, recipient_name
from flows.mydata import carry_on
from flows.parsers import parse_yes_no
from flows.state import Pending
from flows.turn import Draft, button
from flows.vocabulary import Command, EventName, InputKind, Text, UserInput

SHARE_STEP = "share"


def _question(draft: Draft, recipient: str) -> None:
    draft.say(
        Text(msg.SHARE_QUESTION, {"recipient": Text(recipient_name(recipient))}),
        buttons=(
            button(SHARE_STEP, "yes", msg.BUTTON_YES),
            button(SHARE_STEP, "no", msg.BUTTON_NO),
        ),
    )


def start_share(draft: Draft, recipient: str, case_id: int) -> None:
    """Puts the conversation on hold for a yes or no about sharing the case with a recipient."""
    draft.update(pending=Pending.SHARE_CONSENT, share=(recipient, case_id))
    draft.emit(EventName.SHARE_CONSENT_ASKED, recipient=recipient, case_id=case_id)
    _question(draft, recipient)


def take_share(draft: Draft, inp: UserInput, found: Command | None) -> None:
    """Records the reporter's yes or no as a share consent, or asks again."""
    assert draft.state.share is not None
    recipient, case_id = draft.state.share
    said = (inp.choice_id or "").removeprefix(f"{SHARE_STEP}.") if inp.choice_id else None
    said = said or (parse_yes_no(inp.text) if inp.kind is InputKind.TEXT else None)
    if found is Command.CANCEL:
        said = "no"
    if said not in ("yes", "no"):
        _question(draft, recipient)
        return
    answer = "given" if said == "yes" else "refused"
    draft.update(pending=None, share=None)
    draft.emit(
        EventName.CONSENT_RECORDED,
        purpose=Purpose.SHARE.value,
        recipient=recipient,
        answer=answer,
        version=CONSENT_VERSIONS[Purpose.SHARE],
        case_id=case_id,
    )
    sentence = msg.SHARE_YES if said == "yes" else msg.SHARE_NO
    draft.say(Text(sentence, {"recipient": Text(recipient_name(recipient))}))
    carry_on(draft)
