"""The dashboard (figures of the cases a person may see) and the research export (admins only)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from bot.insights import CaseFacts, audited_export, case_facts, labels
from bot.staff import Act, may, visible_offices
from handlers.console import dashboard_view, insight_words
from handlers.console.deps import ConsoleDep, SignedInStaff
from handlers.console.pages import PREFIX, bar_context, locale_of
from storage import db
from storage.types import utcnow

router = APIRouter(prefix=PREFIX, tags=["console"], include_in_schema=False)
log = logging.getLogger(__name__)


def _facts(console: ConsoleDep, offices: frozenset[str]) -> list[CaseFacts]:
    with db.session(console.handoff.engine) as session:
        return case_facts(session=session, offices=offices)


@router.get("/dashboard")
async def dashboard(request: Request, staff: SignedInStaff, console: ConsoleDep) -> Response:
    """Shows the figures of the offices the person sees (or one of them) over some months."""
    me, offices = staff.account, visible_offices(staff.account)
    choice = dashboard_view.read_choice(dict(request.query_params), offices)
    rows = await run_in_threadpool(
        _facts, console, frozenset({choice.office}) if choice.office else offices
    )
    locale = locale_of(me.locale)
    view = dashboard_view.build(
        rows,
        choice,
        console.handoff.desk.directory.deadlines.ack,
        utcnow(),
        lambda msgid: console.pages.catalogs.gettext(locale, msgid),
        locale,
    )
    context = {
        **bar_context(me, staff.csrf),
        "view": view,
        "choice": choice,
        "offices": sorted(offices),
        "office_names": insight_words.OFFICES,
        "month_choices": dashboard_view.MONTH_CHOICES,
    }
    return console.pages.render("dashboard.html", locale, **context)


@router.get("/export/research.csv")
async def research_csv(staff: SignedInStaff, console: ConsoleDep) -> Response:
    """Returns the anonymised research CSV to an admin; the export goes on their account log."""
    me = staff.account
    if not may(me, Act.EXPORT_RESEARCH):
        log.info("research export refused", extra={"caseworker_id": me.id})
        return console.pages.render(
            "refused.html", locale_of(me.locale), status=403, reason="not_allowed"
        )
    now = utcnow()
    export = await run_in_threadpool(
        audited_export, console.handoff.engine, visible_offices(me), me.id or 0, now
    )
    log.info("research exported", extra={"caseworker_id": me.id, "rows": export.rows})
    name = f"suara-research-{labels.month(now)}.csv"
    return Response(
        export.text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
