"""The case page: answers, timeline, evidence and the actions a person may take on one case.

A case another office leads is answered exactly as a case that does not exist: 404, no detail.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.casework import audit
from bot.casework.case_view import case_change_mark, case_view, open_case
from bot.evidence.files import FileStore
from bot.staff import Act, may
from escalation.status import ALLOWED, Status
from flows.vocabulary import N_
from handlers.console import words
from handlers.console.deps import ConsoleDep, SignedInStaff, Staff, get_console
from handlers.console.pages import PREFIX, bar_context, locale_of
from handlers.ids import in_range
from storage.models import Case
from storage.types import utcnow

router = APIRouter(prefix=PREFIX, tags=["console"], include_in_schema=False)

REFERENCE = r"^[A-Z]{2}-\d{4}-\d{6}$"
REASONS = {
    "casework": N_("Working on this case"),
    "supervision": N_("Supervising or reviewing"),
    "data_request": N_("A data-rights request"),
    "legal": N_("A legal or police matter"),
}
"""Why a case is opened: a code on its audit trail, never free text."""
POLL_SECONDS = 20


class CaseNotFound(Exception):
    """No case of that reference that this person may see (answered 404, as if none existed)."""


def console_case(
    reference: Annotated[str, Path()], staff: SignedInStaff, console: ConsoleDep
) -> Case:
    """Returns the case of the path when the person may see it; CaseNotFound otherwise."""
    if not re.match(REFERENCE, reference):
        raise CaseNotFound()
    found = console.handoff.find(staff.account, reference)
    if found is None:
        raise CaseNotFound()
    return found


ConsoleCase = Annotated[Case, Depends(console_case)]


async def not_found(request: Request, _: Exception) -> Response:
    """Answers 404 with the console's page for a case that is not there (or not theirs)."""
    console = get_console(request)
    return console.pages.render(
        "not_found.html", locale_of(request.query_params.get("lang")), status=404
    )


def _abilities(
    staff: Staff, case: Case, escalation_status: str, holder: int | None
) -> dict[str, Any]:
    who, office = staff.account, case.lead_office
    status = Status(escalation_status) if escalation_status in set(Status) else Status.OPEN
    return {
        "mine": holder is not None and holder == who.id,
        "take_over": may(who, Act.TAKE_OVER, office),
        "legal_hold": may(who, Act.LEGAL_HOLD, office),
        "refer": may(who, Act.REFER, office),
        "next": sorted(s.value for s in ALLOWED[status]),
    }


async def render_case(
    staff: Staff, console: ConsoleDep, case: Case, reason: str, **extra: Any
) -> HTMLResponse:
    """Renders the case page; the opening is audited with its reason."""
    now, locale = utcnow(), locale_of(staff.account.locale)
    engine = console.handoff.engine
    found = await run_in_threadpool(open_case, engine, case.id or 0, staff.account, reason, now)
    view = case_view(found, console.handoff.catalogs, locale, now)
    escalation = found.escalation
    status = escalation.status if escalation else Status.OPEN.value
    holder = escalation.claimed_by if escalation else None
    partners = [o for o in console.handoff.desk.directory.offices.values() if o.third_party]
    mark = await run_in_threadpool(case_change_mark, engine, case.id or 0)
    context = {
        **bar_context(staff.account, staff.csrf),
        "view": view,
        "case": found.case,
        "escalation": escalation,
        "case_status": status,
        "can": _abilities(staff, found.case, status, holder),
        "words": words,
        "partners": partners,
        "reason": reason,
        "mark": mark,
        "poll": POLL_SECONDS,
        **extra,
    }
    code = 422 if extra.get("problem") else 200
    return console.pages.render("case.html", locale, status=code, **context)


@router.get("/cases/{reference}")
async def case_page(
    request: Request, case: ConsoleCase, staff: SignedInStaff, console: ConsoleDep
) -> Response:
    """Shows a case once the person has said why they open it; a bare link asks first."""
    params = request.query_params
    reason = params.get("reason")
    locale = locale_of(staff.account.locale)
    if reason not in REASONS:
        context = {**bar_context(staff.account, staff.csrf), "case": case, "reasons": REASONS}
        return console.pages.render("case_reason.html", locale, **context)
    done, problem = params.get("done"), params.get("problem")
    return await render_case(
        staff,
        console,
        case,
        reason,
        done=words.DONE.get(done or ""),
        problem=words.PROBLEMS.get(problem or ""),
    )


@router.get("/cases/{reference}/changes")
async def case_changes(case: ConsoleCase, console: ConsoleDep) -> Response:
    """Returns the case's change mark: the open page reloads when it differs."""
    engine = console.handoff.engine
    mark = await run_in_threadpool(case_change_mark, engine, case.id or 0)
    return JSONResponse({"mark": mark})


def _files(request: Request) -> FileStore:
    files: FileStore = request.app.state.core.files
    return files


@router.get("/cases/{reference}/evidence/{attachment_id}")
async def evidence(
    request: Request,
    case: ConsoleCase,
    staff: SignedInStaff,
    console: ConsoleDep,
    attachment_id: int,
) -> Response:
    """Returns a file of the case as caseworkers may see it (a photo without EXIF); audited."""
    reason = request.query_params.get("reason", "casework")
    if reason not in REASONS or not in_range(attachment_id):
        raise CaseNotFound()
    try:
        data, media_type = await run_in_threadpool(
            audit.read_evidence,
            console.handoff.engine,
            _files(request),
            case.id or 0,
            attachment_id,
            staff.account,
            reason,
            utcnow(),
        )
    except LookupError:
        raise CaseNotFound() from None
    headers = {"content-disposition": "inline", "cache-control": "private, no-store"}
    return Response(data, media_type=media_type, headers=headers)
