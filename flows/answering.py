"""Reading an input as the answer to the current question, and moving on when it is one."""

from __future__ import annotations

from flows import messages as msg
from flows.checking import CHECKS, checked_answer
from flows.checklist import answer_checklist, option_names, pressed_option
from flows.compiled import keyed
from flows.consent import CONSENT_VERSIONS, Purpose
from flows.editing import pick_answer
from flows.evidence import album_file, refuse_large_file
from flows.facts import categories
from flows.keywords import find_triggers
from flows.parsers import PARSERS, match_option, parse_yes_no
from flows.shared import keep_contact, offer_place
from flows.steps import Ask, Choose, Collect, Option, Question, Review
from flows.triage import level, raise_only
from flows.turn import Draft, checklist, chosen_labels, command, deadline, enter, prompt, resolve
from flows.vocabulary import Command, EventName, InputKind, Locale, Status, Text, Urgency, UserInput


def raise_urgency(draft: Draft, new_triggers: tuple[str, ...]) -> None:
    """Adds triggers and raises the urgency they justify; never lowers it."""
    triggers = tuple(dict.fromkeys((*draft.state.triggers, *new_triggers)))
    before = draft.state.urgency or Urgency.P3
    after = raise_only(before, level(triggers, categories(draft.state)))
    draft.update(triggers=triggers, urgency=after)
    if after != before:
        draft.emit(
            EventName.URGENCY_RAISED,
            from_level=str(before) if before else None,
            to_level=str(after),
            triggers=list(triggers),
        )


def move_on(draft: Draft, step: Question | Review, target: str | None = None) -> None:
    """Records that a question was answered and enters the step after it."""
    if draft.state.pending in CHECKS:
        draft.update(pending=None, unconfirmed=None)
    draft.update(history=(*draft.state.history, step.id))
    if draft.state.return_to:
        target = draft.state.return_to
        draft.update(return_to=None)
    if target is None:
        assert step.next is not None, "the registry checks every question leads somewhere"
        target = resolve(step.next, draft.state)
    enter(draft, target)


def choose_option(draft: Draft, step: Choose, option: Option) -> None:
    """Records one chosen option with what it triggers, and moves on."""
    if step.sets_locale:
        draft.update(locale=Locale(option.id))
        draft.emit(EventName.LANGUAGE_CHOSEN, locale=option.id)
    _record(draft, step.id, option.id)
    if option.consent:
        purpose, answer = option.consent
        if purpose == Purpose.CASE_HANDLING:
            draft.update(consented=draft.state.consented or answer == "given")
        draft.emit(
            EventName.CONSENT_RECORDED,
            purpose=purpose,
            answer=answer,
            version=CONSENT_VERSIONS[purpose],
        )
    if option.emits:
        draft.emit(option.emits, step=step.id)
        if option.emits is EventName.HANDOVER_REQUESTED:
            draft.update(handover=True)
    raise_urgency(draft, option.triggers)
    move_on(draft, step, resolve(option.next, draft.state) if option.next else None)


def _record(draft: Draft, step_id: str, value: object) -> None:
    draft.state = draft.state.with_answer(step_id, value)
    draft.emit(EventName.ANSWER_RECORDED, step=step_id)


def finish_multi(draft: Draft, step: Choose, chosen: list[str]) -> None:
    """Records several chosen options and moves on."""
    _record(draft, step.id, chosen)
    triggers = tuple(t for o in step.options if o.id in chosen for t in o.triggers)
    raise_urgency(draft, triggers)
    move_on(draft, step)


def skip_question(draft: Draft, step: Question) -> None:
    """Records a question as skipped and moves on."""
    draft.state = draft.state.with_answer(step.id, None)
    draft.emit(EventName.ANSWER_RECORDED, step=step.id, skipped=True)
    move_on(draft, step)


def finish_checklist(draft: Draft, step: Choose) -> None:
    """Takes the ticked options as the answer; with none, skips or asks again as the step says."""
    chosen = [o.id for o in step.options if o.id in draft.state.selection]
    if not chosen and not step.skippable:
        draft.emit(EventName.INPUT_NOT_UNDERSTOOD, step=step.id)
        checklist(draft, step, Text(msg.MULTI_NONE), replaces=draft.pressed_on)
        return
    if draft.pressed_on is not None:
        outcome = Text(msg.MULTI_CHOSEN, {"chosen": chosen_labels(step, chosen)})
        draft.say(
            Text(step.prompt), outcome if chosen else Text(msg.SKIPPED), replaces=draft.pressed_on
        )
    if chosen:
        finish_multi(draft, step, chosen)
    else:
        skip_question(draft, step)


def answer_choose(draft: Draft, step: Choose, inp: UserInput) -> None:
    """Takes a pressed button, a typed number or a typed label as the answer."""
    if step.multi:
        answer_checklist(draft, step, inp)
        return
    pressed = pressed_option(draft, step, inp.choice_id)
    if pressed:
        choose_option(draft, step, pressed)
        return
    text = inp.text.strip()
    typed = (
        (yes_no_option(step, text) or match_option(text, option_names(draft, step)))
        if text
        else None
    )
    option = draft.registry.tables.option(step, typed) if typed else None
    if option is not None:
        choose_option(draft, step, option)
    elif step.other and text and not text.isdigit():
        answer_other(draft, step, step.other, text)
    else:
        not_understood(draft, step, msg.NOT_UNDERSTOOD_CHOICE)


def answer_other(draft: Draft, step: Choose, other: tuple[str, str], text: str) -> None:
    """Takes typed text matching no option as the 'other' choice plus its follow-up answer."""
    option_id, question_id = other
    _record(draft, step.id, option_id)
    _record(draft, question_id, {"text": text})
    draft.update(history=(*draft.state.history, step.id))
    question = draft.registry.step(question_id)
    assert isinstance(question, Ask)
    move_on(draft, question)


def yes_no_option(step: Choose, text: str) -> str | None:
    """Returns the option a typed yes, no or unsure picks at this step, if any."""
    ids = {o.id for o in step.options}
    mapping = step.yes_no or {word: word for word in ("yes", "no", "unsure") if word in ids}
    said = parse_yes_no(text)
    return mapping.get(said) if said else None


def not_understood(draft: Draft, step: Question | Review, sentence: str) -> None:
    """Says the input was not understood and asks the question again."""
    draft.emit(EventName.INPUT_NOT_UNDERSTOOD, step=step.id)
    draft.say(Text(sentence))
    prompt(draft, step)


def answer_ask(draft: Draft, step: Ask, inp: UserInput) -> None:
    """Takes typed text (kept whole), a voice note or a file as the answer."""
    if inp.media is not None:
        _record(
            draft,
            step.id,
            {"media": [inp.media.attachment_id], "kind": inp.media.kind.value},
        )
        move_on(draft, step)
        return
    if step.expects is not None:
        kept = checked_answer(draft, step, inp)
        if kept is not None:
            _record(draft, step.id, kept)
            move_on(draft, step)
        return
    text = inp.text
    if not text.strip():
        not_understood(draft, step, msg.NOT_UNDERSTOOD_TEXT)
        return
    value = PARSERS[step.parser](text, draft.at.date()) if step.parser else None
    if step.parser and value is None:
        draft.emit(EventName.INPUT_NOT_UNDERSTOOD, step=step.id)
        skip = (command(Command.SKIP, msg.BUTTON_SKIP),) if step.skippable else ()
        draft.say(Text(step.retry or msg.NOT_UNDERSTOOD_TEXT), buttons=skip)
        return
    _record(
        draft,
        step.id,
        {"text": text, "value": value} if step.parser else {"text": text},
    )
    move_on(draft, step)


def answer_collect(draft: Draft, step: Collect, inp: UserInput) -> None:
    """Adds a file to the collection, or asks for files."""
    if inp.media is None:
        draft.say(Text(msg.COLLECT_WAITING), buttons=(command(Command.DONE, msg.BUTTON_DONE),))
        return
    files = list(draft.state.answers.get(step.id) or [])
    draft.state = draft.state.with_answer(step.id, [*files, inp.media.attachment_id])
    draft.say(Text(msg.MEDIA_RECEIVED), buttons=(command(Command.DONE, msg.BUTTON_DONE),))


def answer_review(draft: Draft, step: Review, inp: UserInput) -> None:
    """Submits on confirm, or lists the answers that can be changed."""
    choice = (inp.choice_id or "").rpartition(".")[2]
    labels = draft.context.labels
    typed = match_option(
        inp.text,
        keyed(
            (
                ("confirm", (*labels(msg.BUTTON_CONFIRM), "ya", "yes", "kirim")),
                ("edit", (*labels(msg.BUTTON_EDIT), "ubah", "edit", "change")),
            )
        ),
    )
    decided = choice if choice in ("confirm", "edit") else typed
    if decided == "confirm":
        move_on(draft, step)
    elif decided == "edit":
        pick_answer(draft)
    else:
        not_understood(draft, step, msg.NOT_UNDERSTOOD_CHOICE)


HANDOVER_NOTES = "handover_notes"
"""Where the words that made Suara hand over are kept, whole, for the caseworker."""


def hand_to_person(draft: Draft, *, reason: str) -> None:
    """Stops automated collection and hands the case to a person (a minor, say)."""
    draft.update(handover=True, status=Status.SUBMITTED, pending=None, return_to=None)
    draft.emit(EventName.HANDOVER_REQUESTED, step=draft.state.step_id, reason=reason)
    draft.emit(EventName.CASE_SUBMITTED, step=draft.state.step_id, reason=reason)
    draft.say(Text(msg.MINOR, {"deadline": deadline(draft)}))


def answer(draft: Draft, inp: UserInput) -> None:
    """Reads the input as the answer to the current step."""
    if album_file(draft, inp):
        return
    step = draft.step
    if inp.media is not None and inp.media_group is not None:
        draft.update(media_group=(inp.media_group, step.id))
    words = inp.text or (inp.media.caption if inp.media else "")
    if words:
        raise_urgency(draft, tuple(sorted(find_triggers(words))))
        if "minor" in draft.state.triggers and not draft.state.handover:
            notes = list(draft.state.answers.get(HANDOVER_NOTES) or [])
            draft.state = draft.state.with_answer(HANDOVER_NOTES, [*notes, words])
            hand_to_person(draft, reason="minor")
            return
    if inp.media is not None:
        draft.emit(
            EventName.EVIDENCE_ADDED,
            step=step.id,
            attachment_id=inp.media.attachment_id,
        )
        if inp.media.too_large:
            refuse_large_file(draft, step)
            return
    if inp.kind is InputKind.CONTACT and inp.contact is not None:
        keep_contact(draft, inp)
        prompt(draft, step)  # type: ignore[arg-type]
        return
    if inp.kind is InputKind.LOCATION and inp.location is not None:
        offer_place(draft, inp)
        return
    if isinstance(step, Choose):
        if inp.media is not None:
            draft.say(Text(msg.MEDIA_KEPT_CHOOSE))
            prompt(draft, step)
            return
        answer_choose(draft, step, inp)
    elif isinstance(step, Ask):
        answer_ask(draft, step, inp)
    elif isinstance(step, Collect):
        answer_collect(draft, step, inp)
    elif isinstance(step, Review):
        answer_review(draft, step, inp)
