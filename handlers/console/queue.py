"""The queue: the cases a person may see, urgent first, filtered, refreshed without a reload."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from bot.casework import queue_view
from bot.staff import visible_offices
from escalation.status import Status
from handlers.console import words
from handlers.console.deps import ConsoleDep, SignedInStaff
from handlers.console.filters import AGES, PAGE_SIZE, Filters, read_filters
from handlers.console.pages import PREFIX, bar_context, locale_of
from storage.types import utcnow

router = APIRouter(prefix=PREFIX, tags=["console"], include_in_schema=False)

LIST_REASON = "console_queue"
POLL_SECONDS = 20
"""How often an open queue asks whether anything arrived: cheap, one small JSON answer."""


@router.get("")
async def queue(request: Request, staff: SignedInStaff, console: ConsoleDep) -> Response:
    """Shows one page of the queue (or only its rows, for a refresh); every row is audited."""
    me, offices = staff.account, visible_offices(staff.account)
    engine = console.handoff.engine
    owners = await run_in_threadpool(queue_view.queue_owners, engine, offices)
    params = dict(request.query_params)
    filters = read_filters(params, offices, me.id or 0, {i for i, _ in owners})
    now = utcnow()
    rows = await run_in_threadpool(
        queue_view.list_queue, engine, me, filters.query, LIST_REASON, now
    )
    mark = await run_in_threadpool(queue_view.queue_mark, engine, offices)
    shown = [(row, queue_view.deadline(row, now)) for row in rows[:PAGE_SIZE]]
    context = {
        **bar_context(me, staff.csrf),
        "rows": shown,
        "more": len(rows) > PAGE_SIZE,
        "filters": filters,
        "offices": sorted(offices),
        "owners": owners,
        "statuses": {status.value: words.STATUSES[status] for status in Status},
        "ages": list(AGES),
        "words": words,
        "mark": mark,
        "poll": POLL_SECONDS,
        "page_link": _page_link(filters),
        "page": int(filters.chosen.get("page", "1")),
    }
    template = "queue_rows.html" if params.get("partial") == "1" else "queue.html"
    return console.pages.render(template, locale_of(me.locale), **context)


@router.get("/changes")
async def changes(staff: SignedInStaff, console: ConsoleDep) -> Response:
    """Returns the queue's change mark: the page refreshes its rows when it differs."""
    offices = visible_offices(staff.account)
    mark = await run_in_threadpool(queue_view.queue_mark, console.handoff.engine, offices)
    return JSONResponse({"mark": mark})


def _page_link(filters: Filters) -> str:
    """Returns the query string of the current filters without the page, to add a page to."""
    kept = {k: v for k, v in filters.chosen.items() if k != "page"}
    return urlencode(kept)
