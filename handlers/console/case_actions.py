"""The case page's forms: each one audited action, answered by a redirect back to the case.

Every form carries its CSRF token. A refused action shows the case again with the reason, and a
typed reply or note that could not be saved is put back in its box, so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from bot.casework import referrals
from bot.casework.actions import Action, Verb
from bot.casework.verbs import BadAction, HeldByOther, actor_of
from bot.safety import erasure
from bot.staff import Act, may
from escalation.status import InvalidTransition
from handlers.console import words
from handlers.console.case_page import ConsoleCase, render_case
from handlers.console.deps import Console, ConsoleDep, CsrfChecked, SignedInStaff, Staff
from handlers.console.pages import PREFIX
from storage.models import Case
from storage.types import utcnow

router = APIRouter(prefix=PREFIX + "/cases/{reference}", tags=["console"], include_in_schema=False)

Text = Annotated[str, Form(max_length=20000)]
Choice = Annotated[str, Form(max_length=64)]


@dataclass(frozen=True)
class CaseForm:
    """A posted form of the case page whose CSRF token held: the case, the person, the console."""

    case: Case
    staff: Staff
    console: Console


def case_form(
    _: CsrfChecked, case: ConsoleCase, staff: SignedInStaff, console: ConsoleDep
) -> CaseForm:
    """Returns what a case form's route works with, after the token and the case are checked."""
    return CaseForm(case, staff, console)


PostedForm = Annotated[CaseForm, Depends(case_form)]


def _back(case: Case, done: str) -> Response:
    url = f"{PREFIX}/cases/{case.reference}?reason=casework&done={done}"
    return RedirectResponse(url, status_code=303)


async def _refused(form: CaseForm, problem: str, **kept: str) -> Response:
    return await render_case(
        form.staff, form.console, form.case, "casework", problem=words.PROBLEMS[problem], **kept
    )


async def _act(form: CaseForm, action: Action, done: str, **kept: str) -> Response:
    """Carries out one verb through the hand-off (audited there); answers with the case."""
    handoff, case_id = form.console.handoff, form.case.id or 0
    try:
        outcome = await run_in_threadpool(handoff.act, case_id, form.staff.account, action)
    except HeldByOther:
        return await _refused(form, "held_by_other", **kept)
    except InvalidTransition:
        return await _refused(form, "transition", **kept)
    except BadAction:
        return await _refused(form, "input", **kept)
    return _back(form.case, done if outcome.changed else "unchanged")


@router.post("/acknowledge")
async def acknowledge(form: PostedForm) -> Response:
    """Acknowledges the case: the clock stops and the reporter is told."""
    return await _act(form, Action(Verb.ACKNOWLEDGE), "acknowledged")


@router.post("/claim")
async def claim(form: PostedForm, force: Annotated[bool, Form()] = False) -> Response:
    """Takes the case (a supervisor may take it over from its holder)."""
    return await _act(form, Action(Verb.CLAIM, force=force), "claimed")


@router.post("/release")
async def release(form: PostedForm) -> Response:
    """Hands a claimed case back to the office (its holder, or a supervisor)."""
    return await _act(form, Action(Verb.RELEASE), "released")


@router.post("/reply")
async def reply(form: PostedForm, text: Text = "") -> Response:
    """Queues a reply to the reporter, sent at their safe time through their channel."""
    action = Action(Verb.REPLY, text=text)
    return await _act(form, action, "replied", reply_draft=text)


@router.post("/note")
async def note(form: PostedForm, text: Text = "") -> Response:
    """Adds an internal note the reporter never sees."""
    action = Action(Verb.NOTE, text=text)
    return await _act(form, action, "noted", note_draft=text)


@router.post("/status")
async def set_status(form: PostedForm, status: Choice = "") -> Response:
    """Moves the case to another status the transition table allows."""
    return await _act(form, Action(Verb.STATUS, status=status), "status")


@router.post("/resolve")
async def resolve(form: PostedForm, outcome: Choice = "", text: Text = "") -> Response:
    """Closes the case with an outcome, and an optional closing note first."""
    if outcome not in words.OUTCOMES:
        return await _refused(form, "choice", resolve_draft=text)
    if text.strip():
        noted = await _act(form, Action(Verb.NOTE, text=text), "noted")
        if noted.status_code != 303:
            return noted
    action = Action(Verb.RESOLVE, resolution=outcome)
    return await _act(form, action, "resolved")


@router.post("/refer")
async def refer(form: PostedForm, partner: Choice = "", why: Choice = "") -> Response:
    """Shares the case with a partner through the consent gate (or asks the reporter first)."""
    handoff, case, account = form.console.handoff, form.case, form.staff.account
    partners = {o.id for o in handoff.desk.directory.offices.values() if o.third_party}
    if not may(account, Act.REFER, case.lead_office):
        return await _refused(form, "not_allowed")
    if partner not in partners or why not in words.REFERRAL_REASONS:
        return await _refused(form, "choice")
    try:
        done = await run_in_threadpool(
            referrals.refer, handoff.engine, case.id or 0, partner, why, account, utcnow()
        )
    except referrals.ShareRefused:
        return await _refused(form, "refused")
    handoff.wake_reporter()
    return _back(case, "consent_asked" if done.status == referrals.REQUESTED else "shared")


@router.post("/legal-hold")
async def legal_hold(
    form: PostedForm, held: Annotated[bool, Form()] = False, why: Choice = ""
) -> Response:
    """Sets or releases a legal hold (supervisors): a held case is never erased."""
    case, account = form.case, form.staff.account
    if not may(account, Act.LEGAL_HOLD, case.lead_office):
        return await _refused(form, "not_allowed")
    if held and why not in words.HOLD_REASONS:
        return await _refused(form, "choice")
    actor, engine = actor_of(account), form.console.handoff.engine
    changed = await run_in_threadpool(
        erasure.legal_hold, engine, case.id or 0, held, actor, why or "released", utcnow()
    )
    return _back(case, ("held" if held else "unheld") if changed else "unchanged")
