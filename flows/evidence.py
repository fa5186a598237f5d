"""Files as evidence: the further files of an album, and a file too large to receive."""

from __future__ import annotations

from flows import messages as msg
from flows.steps import Collect, Step
from flows.turn import Draft, command, prompt
from flows.vocabulary import Command, EventName, Text, UserInput


def album_file(draft: Draft, inp: UserInput) -> bool:
    """Keeps a further file of an album with the answer its first file gave; says nothing."""
    group = draft.state.media_group
    if inp.media is None or inp.media_group is None or group is None or group[0] != inp.media_group:
        return False
    step_id = group[1]
    answer = draft.state.answers.get(step_id)
    if isinstance(answer, list):
        draft.state = draft.state.with_answer(step_id, [*answer, inp.media.attachment_id])
    elif isinstance(answer, dict):
        media = [*answer.get("media", []), inp.media.attachment_id]
        draft.state = draft.state.with_answer(step_id, {**answer, "media": media})
    draft.emit(EventName.EVIDENCE_ADDED, step=step_id, attachment_id=inp.media.attachment_id)
    return True


def refuse_large_file(draft: Draft, step: Step) -> None:
    """Says a file was too large and what to send instead, then where the reporter was.

    The file is only recorded as offered (the runtime never fetched it); a file list keeps its
    Done button, any other question is asked again, so the reporter is never left without one.
    """
    if isinstance(step, Collect):
        draft.say(Text(msg.MEDIA_TOO_LARGE), buttons=(command(Command.DONE, msg.BUTTON_DONE),))
        return
    draft.say(Text(msg.MEDIA_TOO_LARGE))
    prompt(draft, step)  # type: ignore[arg-type]
