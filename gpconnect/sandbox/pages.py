"""Pages for people: every practice the sandbox has served, and each practice's
appointment book, to watch Hub Diary's bookings arrive."""

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gpconnect.times import LONDON, london_date, london_day_start

from .store import SandboxStore


def index_page(store: SandboxStore) -> str:
    """Every practice used so far, with its number of booked appointments."""
    rows = "".join(
        f'<tr><td><a href="/{html.escape(p["ods"])}">{html.escape(p["ods"])}</a></td>'
        f"<td>{html.escape(p['name'])}</td><td>{p['booked']}</td></tr>"
        for p in store.practices.listing()
    )
    return _page(
        "GP Connect sandbox",
        "<p>Practice systems answer GP Connect at <code>/&lt;ODS&gt;/STU3/1/gpconnect</code>."
        " Any ODS code works; its sessions are made on first use.</p>"
        "<table><thead><tr><th>ODS code</th><th>Practice</th><th>Booked</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=3>No practice has been used yet.</td></tr>'}"
        "</tbody></table>"
        '<p>JSON: <a href="/_ledger">ledger</a>, <a href="/_requests">requests</a>, '
        '<a href="/_control">faults</a>.</p>',
        refresh=False,
    )


def book_page(store: SandboxStore, ods: str, *, now: datetime) -> str:
    """A practice's appointment book from today on, refreshing itself, for watching
    bookings arrive."""
    store.practices.ensure(ods, today=london_date(now))
    organization = store.practices.organization(ods)
    since = london_day_start(london_date(now))
    entries = [e for e in store.ledger(ods) if datetime.fromisoformat(e["end"]) >= since]
    entries.sort(key=lambda e: (e["start"], int(e["id"])))
    rows = "".join(_book_row(entry) for entry in entries)
    free = store.slots.count(ods, status="free", since=now)
    return _page(
        f"{organization.name} ({ods}): appointment book",
        f"<p>{free} free slots ahead. This page refreshes itself every 2 seconds.</p>"
        "<table><thead><tr><th>When</th><th>Status</th><th>Patient</th><th>Description"
        "</th><th>Booked by</th><th>Hub Diary reference</th><th>Version</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=7>No appointments from today on.</td></tr>'}"
        "</tbody></table>"
        f'<p><a href="/">All practices</a> · <a href="/_ledger?practice={ods}">JSON</a></p>',
        refresh=True,
    )


def _book_row(entry: Mapping[str, Any]) -> str:
    start = datetime.fromisoformat(entry["start"]).astimezone(LONDON)
    end = datetime.fromisoformat(entry["end"]).astimezone(LONDON)
    organisation = entry["booking_organisation"] or {}
    booked_by = entry["booked_by"]
    who = organisation.get("name") or booked_by.get("organisation_name", "")
    status = entry["status"]
    if entry["cancellation_reason"]:
        status += f" ({entry['cancellation_reason']})"
    cells = [
        f"{start:%a %d %b %H:%M} to {end:%H:%M}",
        status,
        f"{entry['patient']['name']} ({entry['patient']['nhs_number']})",
        entry["description"],
        f"{who} — {booked_by.get('practitioner_name', '')}",
        entry["reference"],
        entry["version"],
    ]
    css = ' class="cancelled"' if entry["status"] == "cancelled" else ""
    return f"<tr{css}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"


def _page(title: str, body: str, *, refresh: bool) -> str:
    meta = '<meta http-equiv="refresh" content="2">' if refresh else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title>{meta}"
        "<style>body{font-family:Arial,sans-serif;margin:2rem;color:#212b32}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #d8dde0;"
        "padding:.4rem .8rem;text-align:left}.cancelled{color:#768692;"
        "text-decoration:line-through}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
