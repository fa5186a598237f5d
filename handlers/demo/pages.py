"""Server-rendered demo pages; every value is escaped where it is written into HTML."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any

from storage import models

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.P0{color:#b00;font-weight:bold}
.P1{color:#c60;font-weight:bold}pre{white-space:pre-wrap;word-break:break-word;max-width:60rem}
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"<td>{escape('' if value is None else str(value))}</td>"


def cases_page(cases: list[models.Case], windows: Mapping[int, str] | None = None) -> str:
    """Returns the list of cases as an HTML table (with each WhatsApp reporter's window)."""
    windows = windows or {}
    head = (
        "<tr><th>Reference</th><th>Status</th><th>Urgency</th><th>Categories</th>"
        "<th>Country</th><th>Home regency</th><th>Lead</th><th>Liaison</th><th>Language</th>"
        "<th>Submitted (UTC)</th><th>WhatsApp window</th></tr>"
    )
    rows = "".join(
        f"<tr><td><a href='/demo/cases/{escape(c.reference)}'>{escape(c.reference)}</a></td>"
        + _cell(c.status)
        + f"<td class='{escape(c.urgency)}'>{escape(c.urgency)}</td>"
        + "".join(
            _cell(v)
            for v in (
                c.categories,
                c.destination_country,
                c.home_regency,
                c.lead_office,
                c.liaison_office,
                c.locale,
                c.submitted_at,
                windows.get(c.id or 0, ""),
            )
        )
        + "</tr>"
        for c in cases
    )
    body = (
        "<h1>Cases filed</h1><p><a href='/demo'>Back to the chat</a></p>"
        f"<table>{head}{rows}</table>"
    )
    if not cases:
        body += "<p>No case yet: file one in the chat.</p>"
    return _page("Suara: cases", body)


def case_page(
    case: models.Case, events: list[models.CaseEvent], files: list[models.Attachment]
) -> str:
    """Returns one case: its facts, answers as stored, timeline and evidence."""
    facts = "".join(
        f"<tr><th>{escape(name)}</th>{_cell(getattr(case, name))}</tr>"
        for name in (
            "reference",
            "status",
            "urgency",
            "urgency_triggers",
            "reporter_role",
            "categories",
            "destination_country",
            "home_regency",
            "lead_office",
            "liaison_office",
            "copy_offices",
            "locale",
            "channel",
            "needs_human",
            "created_at",
            "submitted_at",
        )
    )
    answers = escape(json.dumps(case.answers, ensure_ascii=False, indent=2))
    timeline = "".join(
        f"<tr>{_cell(e.at)}{_cell(e.type)}{_cell(e.actor)}{_cell(json.dumps(e.data))}</tr>"
        for e in events
    )
    evidence = "".join(
        f"<tr>{_cell(f.kind)}{_cell(f.mime_type)}{_cell(f.size_bytes)}{_cell(f.sha256)}"
        f"{_cell(f.status)}</tr>"
        for f in files
    )
    body = (
        f"<h1>Case {escape(case.reference)}</h1><p><a href='/demo/cases'>All cases</a></p>"
        f"<table>{facts}</table><h2>Answers</h2><pre>{answers}</pre>"
        f"<h2>Timeline</h2><table><tr><th>At (UTC)</th><th>Event</th><th>Actor</th><th>Data</th>"
        f"</tr>{timeline}</table><h2>Evidence</h2><table><tr><th>Kind</th><th>Type</th>"
        f"<th>Bytes</th><th>sha256</th><th>Status</th></tr>{evidence}</table>"
    )
    return _page(f"Suara: {case.reference}", body)
