"""The demo's local caseworker inbox: receives the real signed webhooks, verifies them, and lists
them with buttons that call the caseworker API."""

from __future__ import annotations

import json
import re
from collections import deque
from html import escape
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from bot.casework.desk import DEMO_INBOX
from bot.casework.handoff import Handoff
from bot.staff import Role
from escalation.delivery import signing
from storage import caseworkers, db
from storage.types import utcnow

REF = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")
OFFICE = re.compile(r"^[a-z_]{1,40}$")
router = APIRouter(prefix="/demo/inbox", tags=["demo"], include_in_schema=False)


class Inbox:
    """Webhooks received, newest last, and one demo token per office."""

    def __init__(self) -> None:
        self.received: deque[dict[str, Any]] = deque(maxlen=200)
        self.seen: set[str] = set()
        self.duplicates = 0
        self.tokens: dict[str, str] = {}

    def token(self, handoff: Handoff, office: str) -> str:
        """Returns the demo supervisor token of an office, made on first use."""
        if office not in self.tokens:
            with db.session(handoff.engine) as session:
                who = caseworkers.system_caseworker(
                    session=session, key=f"demo:{office}", name=f"Demo {office}", office=office
                )
                who.role = Role.SUPERVISOR.value
                session.add(who)
                self.tokens[office] = caseworkers.issue_token(
                    session=session, caseworker_id=who.id or 0
                )
        return self.tokens[office]


def _handoff(request: Request) -> Handoff:
    handoff: Handoff = request.app.state.handoff
    return handoff


def _inbox(request: Request) -> Inbox:
    inbox: Inbox = request.app.state.demo_inbox
    return inbox


@router.post("/webhook", status_code=204)
async def receive(request: Request) -> Response:
    """Verifies one webhook with the demo endpoint's secret and keeps it."""
    config = _handoff(request).desk.directory.endpoint(DEMO_INBOX)
    body = await request.body()
    now = utcnow()
    if config is None:
        raise HTTPException(status_code=404, detail="no demo inbox")
    try:
        msg_id = signing.verify(config.signing_keys(now), body, request.headers, now)
    except signing.VerificationError:
        raise HTTPException(status_code=401, detail="bad signature") from None
    inbox = _inbox(request)
    if msg_id in inbox.seen:
        inbox.duplicates += 1
        return Response(status_code=204)
    inbox.seen.add(msg_id)
    inbox.received.append({"webhook_id": msg_id, **json.loads(body)})
    return Response(status_code=204)


@router.get("", response_class=HTMLResponse)
async def page(request: Request) -> str:
    """Returns the inbox page: the latest webhook of each case, with action buttons."""
    handoff, inbox = _handoff(request), _inbox(request)
    latest: dict[str, dict[str, Any]] = {}
    for item in inbox.received:
        data = item.get("data", {})
        if REF.match(str(data.get("case_ref"))) and OFFICE.match(str(data.get("lead_office"))):
            latest[data["case_ref"]] = item  # only these go into the page's script
    tokens = {}
    for item in latest.values():
        office = item["data"]["lead_office"]
        tokens[office] = await run_in_threadpool(inbox.token, handoff, office)
    rows = "".join(_row(item) for item in reversed(list(latest.values())))
    return (
        PAGE.replace("{rows}", rows or "<tr><td colspan=7>No webhook yet.</td></tr>")
        .replace("{tokens}", json.dumps(tokens))
        .replace("{count}", str(len(inbox.received)))
        .replace("{dupes}", str(inbox.duplicates))
    )


def _row(item: dict[str, Any]) -> str:
    data = item["data"]
    ref, office = escape(data["case_ref"]), escape(data["lead_office"])
    cells = (
        item["type"],
        data["urgency"],
        ", ".join(data["categories"]),
        data["level_name"],
        data.get("status", ""),
        data.get("ack_due_at") or "",
    )
    buttons = "".join(
        f"<button onclick=\"act('{ref}','{office}','{verb}')\">{label}</button>"
        for verb, label in (
            ("acknowledge", "Acknowledge"),
            ("claim", "Claim"),
            ("replies", "Reply"),
            ("resolve", "Resolve"),
        )
    )
    tds = "".join(f"<td>{escape(str(c))}</td>" for c in cells)
    return f"<tr><td><b>{ref}</b></td>{tds}<td>{buttons}</td></tr>"


PAGE = """<!doctype html><html lang='en'><head><meta charset='utf-8'>
<title>Suara: caseworker inbox (demo)</title><style>body{font-family:system-ui;margin:2rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem}
</style></head><body><h1>Caseworker inbox (demo)</h1>
<p>Signed webhooks received: {count} (duplicates dropped: {dupes}). Every one was verified.
<a href='/demo/cases'>All cases</a> · <a href='/docs'>API docs</a></p>
<table><tr><th>Case</th><th>Event</th><th>Urgency</th><th>Categories</th><th>Level</th>
<th>Status</th><th>Acknowledge by (UTC)</th><th>Actions</th></tr>{rows}</table>
<p id='out'></p><script>
const TOKENS = {tokens};
async function act(ref, office, verb) {
  let body = {};
  if (verb === 'replies') { const t = prompt('Reply to the reporter:'); if (!t) return;
    body = {text: t}; }
  const r = await fetch(`/api/v1/cases/${ref}/${verb}`, {method: 'POST',
    headers: {'authorization': 'Bearer ' + TOKENS[office], 'content-type': 'application/json'},
    body: JSON.stringify(body)});
  document.getElementById('out').textContent = `${verb} ${ref}: ${r.status}`;
  setTimeout(() => location.reload(), 800);
}
</script></body></html>"""


def register(app: FastAPI) -> None:
    """Adds the inbox routes (demo only)."""
    app.state.demo_inbox = Inbox()
    app.include_router(router)
