"""What the engine hears from one inbound event: a stored file, an edited step, a held case."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.envelopes import InboundEvent
from flows.state import State
from flows.vocabulary import InputKind, MediaRef, UserInput
from storage import models

HELD_STATUSES = frozenset({"acknowledged", "claimed"})
"""Case statuses in which a person, not the questionnaire, answers the reporter."""


def user_input(
    session: Session,
    conversation: models.Conversation,
    state: State | None,
    event: InboundEvent,
    envelope: dict[str, Any],
) -> UserInput:
    """Returns the engine's input for an event, adding the attachment row of any file."""
    media = None
    caption = event.text.strip() if event.media is not None else ""
    if event.media is not None:
        attachment = models.Attachment(
            case_id=envelope.get("case_id"),
            conversation_id=conversation.id or 0,
            step_id=state.step_id if state else None,
            kind=event.media.kind.value,
            mime_type=event.media.mime_type,
            size_bytes=event.media.size_bytes,
            sha256=event.media.sha256,
            path=event.media.path,
            status="too_large" if event.media.too_large else "stored",
            external_ref=event.media.external_ref,
            clean_path=event.media.clean_path,
            clean_sha256=event.media.clean_sha256,
            caption=caption or None,
        )
        session.add(attachment)
        session.flush()
        media = MediaRef(str(attachment.id), event.media.kind, event.media.too_large, caption)
    edited_step = envelope.get("refs", {}).get(event.edited_ref) if event.edited_ref else None
    return UserInput(
        kind=event.kind,
        at=event.at,
        text="" if media is not None else event.text,  # a caption stays with its file
        choice_id=event.choice_id,
        command=event.command,
        argument=event.argument,
        media=media,
        location=event.location,
        contact=event.contact,
        edited_step=edited_step if event.kind is InputKind.EDIT else None,
        locale_hint=event.locale_hint,
        media_group=event.media_group,
        pressed_on=event.pressed_on,
        case_held=case_held(session, envelope.get("case_id")),
    )


def case_held(session: Session, case_id: int | None) -> bool:
    """Returns whether a person holds the conversation's case."""
    case = session.get(models.Case, case_id) if case_id else None
    return case is not None and case.status in HELD_STATUSES
