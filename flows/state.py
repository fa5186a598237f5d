"""The conversation state the engine reads and returns, and its JSON form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from flows.vocabulary import Locale, Status, Urgency

Answer = Any
"""A JSON value: a choice id, a list of ids, text, a parsed value or a list of file ids."""


class Pending(StrEnum):
    """A question the engine asked outside the flow and is waiting for."""

    RESUME = "resume"
    EDIT_PICK = "edit_pick"
    CODE_WORD_OFFER = "code_word_offer"
    CODE_WORD_NEW = "code_word_new"
    CODE_WORD_CHECK = "code_word_check"
    SHARE_CONSENT = "share_consent"
    CONFIRM_ANSWER = "confirm_answer"
    CURRENCY = "currency"
    LEBARAN_YEAR = "lebaran_year"
    PLACE = "place"


@dataclass(frozen=True)
class State:
    """Everything the engine knows about one conversation; the runner stores it as JSON."""

    step_id: str
    locale: Locale = Locale.ID
    status: Status = Status.ACTIVE
    answers: dict[str, Answer] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    selection: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    urgency: Urgency | None = None
    prompted: bool = False
    pending: Pending | None = None
    return_to: str | None = None
    reminded: bool = False
    consented: bool = False
    handover: bool = False
    media_group: tuple[str, str] | None = None
    """(album id, step id) of the last album whose first file answered a step."""
    last_input_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    then: str | None = None
    """What to do once the code word is right ("data", "resume" or "change")."""
    share: tuple[str, int] | None = None
    """(recipient code, case id) of the share question waiting for an answer."""
    unconfirmed: dict[str, Any] | None = None
    """The typed answer the engine asked about: its step, the text and what was read from it."""
    place: tuple[float, float] | None = None
    """A shared location waiting for the reporter's yes before it is kept (latitude, longitude)."""

    def with_answer(self, step_id: str, value: Answer) -> State:
        """Returns a copy with one answer set."""
        return self.replaced(answers={**self.answers, step_id: value})

    def replaced(self, **changes: Any) -> State:
        """Returns a copy with some fields changed, sharing every other field with this state.

        `dataclasses.replace` runs the whole constructor; a turn replaces its state many times,
        so this copies the fields in one step (refusing a name State does not have).
        """
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"State has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(State)
        values = copy.__dict__
        values.update(self.__dict__)
        values.update(changes)
        return copy


_FIELDS = frozenset(field.name for field in fields(State))


def _time(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def to_json(state: State) -> dict[str, Any]:
    """Returns the state as a JSON-ready dict."""
    return {
        "step_id": state.step_id,
        "locale": state.locale.value,
        "status": state.status.value,
        "answers": state.answers,
        "history": list(state.history),
        "selection": list(state.selection),
        "triggers": list(state.triggers),
        "urgency": state.urgency.value if state.urgency else None,
        "prompted": state.prompted,
        "pending": state.pending.value if state.pending else None,
        "return_to": state.return_to,
        "reminded": state.reminded,
        "consented": state.consented,
        "handover": state.handover,
        "media_group": list(state.media_group) if state.media_group else None,
        "last_input_at": state.last_input_at.isoformat() if state.last_input_at else None,
        "started_at": state.started_at.isoformat() if state.started_at else None,
        "then": state.then,
        "share": list(state.share) if state.share else None,
        "unconfirmed": state.unconfirmed,
        "place": list(state.place) if state.place else None,
    }


def from_json(data: dict[str, Any]) -> State:
    """Returns the state stored by `to_json`."""
    return State(
        step_id=str(data["step_id"]),
        locale=Locale(data.get("locale", "id")),
        status=Status(data.get("status", "active")),
        answers=dict(data.get("answers", {})),
        history=tuple(data.get("history", ())),
        selection=tuple(data.get("selection", ())),
        triggers=tuple(data.get("triggers", ())),
        urgency=Urgency(data["urgency"]) if data.get("urgency") else None,
        prompted=bool(data.get("prompted", False)),
        pending=Pending(data["pending"]) if data.get("pending") else None,
        return_to=data.get("return_to"),
        reminded=bool(data.get("reminded", False)),
        consented=bool(data.get("consented", False)),
        handover=bool(data.get("handover", False)),
        media_group=tuple(data["media_group"]) if data.get("media_group") else None,
        last_input_at=_time(data.get("last_input_at")),
        started_at=_time(data.get("started_at")),
        then=data.get("then"),
        share=(str(data["share"][0]), int(data["share"][1])) if data.get("share") else None,
        unconfirmed=dict(data["unconfirmed"]) if data.get("unconfirmed") else None,
        place=(float(data["place"][0]), float(data["place"][1])) if data.get("place") else None,
    )
