"""The engine keeps a contact, asks before it keeps a place, and never answers with a caption."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import messages as msg
from flows.engine import Turn, advance
from flows.state import Pending, State, from_json, to_json
from flows.vocabulary import (
    ContactRef,
    EventName,
    InputKind,
    MediaKind,
    MediaRef,
    Status,
    Text,
    UserInput,
)

NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
PLACE = (3.139, 101.6869)


def at(step_id: str, **changes: object) -> State:
    """Returns a conversation waiting at a step of the self report."""
    values: dict[str, object] = {
        "step_id": step_id,
        "history": ("language", "danger"),
        "prompted": True,
        "started_at": NOW,
        "last_input_at": NOW,
        "consented": True,
    }
    return State(**(values | changes))  # type: ignore[arg-type]


def run(state: State, kind: InputKind, **fields: object) -> Turn:
    return advance(state, UserInput(kind=kind, at=NOW, **fields))  # type: ignore[arg-type]


def msgids(turn: Turn) -> list[str]:
    return [line.msgid for reply in turn.replies for line in reply.lines if isinstance(line, Text)]


def shared(turn: Turn) -> list[tuple[EventName, dict[str, object]]]:
    kinds = (EventName.CONTACT_SHARED, EventName.LOCATION_SHARED)
    return [(e.name, dict(e.data)) for e in turn.events if e.name in kinds]


def test_a_contact_is_emitted_for_keeping_and_the_question_asked_again() -> None:
    turn = run(at("self_city"), InputKind.CONTACT, contact=ContactRef("+62812", is_own=True))
    assert shared(turn) == [
        (EventName.CONTACT_SHARED, {"step": "self_city", "phone": "+62812", "is_own": True})
    ]
    assert msgids(turn)[0] == msg.CONTACT_KEPT
    assert turn.state.step_id == "self_city"


def test_a_place_waits_for_a_yes_and_survives_the_json_round_trip() -> None:
    asked = run(at("self_city"), InputKind.LOCATION, location=PLACE)
    assert shared(asked) == []
    assert msgids(asked) == [msg.PLACE_CONFIRM]
    assert [b.id for r in asked.replies for b in r.buttons] == ["place.yes", "place.no"]
    waiting = from_json(to_json(asked.state))
    assert (waiting.pending, waiting.place) == (Pending.PLACE, PLACE)
    kept = run(waiting, InputKind.CHOICE, choice_id="place.yes")
    assert shared(kept) == [
        (
            EventName.LOCATION_SHARED,
            {"step": "self_city", "latitude": PLACE[0], "longitude": PLACE[1]},
        )
    ]
    assert msgids(kept)[0] == msg.PLACE_KEPT
    assert (kept.state.pending, kept.state.place) == (None, None)


@pytest.mark.parametrize(
    "answer",
    [
        {"kind": InputKind.CHOICE, "choice_id": "place.no"},
        {"kind": InputKind.TEXT, "text": "tidak"},
    ],
)
def test_no_keeps_nothing(answer: dict[str, object]) -> None:
    asked = run(at("self_city"), InputKind.LOCATION, location=PLACE)
    refused = run(asked.state, **answer)  # type: ignore[arg-type]
    assert shared(refused) == []
    assert msgids(refused)[0] == msg.PLACE_NOT_KEPT
    assert (refused.state.pending, refused.state.place, refused.state.step_id) == (
        None,
        None,
        "self_city",
    )


def test_a_typed_yes_keeps_it_and_any_other_answer_drops_the_place_and_is_read() -> None:
    asked = run(at("self_city"), InputKind.LOCATION, location=PLACE)
    assert shared(run(asked.state, InputKind.TEXT, text="iya"))[0][0] is EventName.LOCATION_SHARED
    answered = run(asked.state, InputKind.TEXT, text="Kuala Lumpur")
    assert shared(answered) == []
    assert answered.state.place is None
    assert answered.state.answers["self_city"] == {"text": "Kuala Lumpur"}


def test_after_the_report_a_contact_is_kept_and_a_place_still_asked_about() -> None:
    done = at("submitted", status=Status.SUBMITTED)
    contact = run(done, InputKind.CONTACT, contact=ContactRef("+62812", is_own=False))
    assert [name for name, _ in shared(contact)] == [EventName.CONTACT_SHARED]
    asked = run(done, InputKind.LOCATION, location=PLACE)
    assert msgids(asked) == [msg.PLACE_CONFIRM]
    kept = run(asked.state, InputKind.CHOICE, choice_id="place.yes")
    assert [name for name, _ in shared(kept)] == [EventName.LOCATION_SHARED]


def test_a_caption_is_never_the_answer_but_its_danger_words_count() -> None:
    photo = MediaRef("7", MediaKind.PHOTO, caption="ya kirim, majikan memukul saya")
    review = at("review")
    turn = run(review, InputKind.MEDIA, media=photo)
    assert EventName.CASE_SUBMITTED not in [e.name for e in turn.events]
    assert turn.state.urgency is not None
    assert turn.state.triggers
