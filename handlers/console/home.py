"""The signed-in landing page: the cases the person may see (the queue is built on it)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from bot.casework import audit
from bot.staff import visible_offices
from handlers.console.deps import ConsoleDep, SignedInStaff
from handlers.console.pages import PREFIX, bar_context, locale_of
from storage.types import utcnow

router = APIRouter(prefix=PREFIX, tags=["console"], include_in_schema=False)

READ_REASON = "console"
SHOWN = 50


@router.get("")
async def home(staff: SignedInStaff, console: ConsoleDep) -> Response:
    """Lists the newest cases the person may see; every case listed is audited."""
    found = await run_in_threadpool(
        audit.list_cases,
        console.handoff.engine,
        staff.account,
        READ_REASON,
        utcnow(),
        limit=SHOWN,
    )
    return console.pages.render(
        "home.html",
        locale_of(staff.account.locale),
        **bar_context(staff.account, staff.csrf),
        offices=sorted(visible_offices(staff.account)),
        cases=[(case, escalation) for case, escalation in found],
    )
