"""The API calls the search benchmark makes, in one place so they follow the API's shape:
GET /api/v1/slots/ answers {"results": [...], "next_cursor": ...}; the next page is the
same query with `cursor`."""

import datetime
from urllib.parse import urlencode

from django.utils import timezone

WINDOW = datetime.timedelta(days=14)
PAGE_SIZE = 50


def _search_path(cursor: str | None = None, *, start: datetime.datetime | None = None) -> str:
    start = start or timezone.now()
    params = {"start": start.isoformat(), "end": (start + WINDOW).isoformat()}
    params["page_size"] = str(PAGE_SIZE)
    if cursor:
        params["cursor"] = cursor
    return f"/api/v1/slots/?{urlencode(params)}"


def trivial(client) -> int:
    status, _ = client.get("/api/v1/me/")
    return status


def first_page(client) -> tuple[int, dict]:
    return client.get(_search_path())


def whole_result(client) -> tuple[int, int]:
    """Every page of one 14-day search, following the cursors: (slots, pages)."""
    start = timezone.now()
    cursor, slots, pages = None, 0, 0
    while True:
        path = _search_path(cursor, start=start)
        status, body = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body}")
        slots += len(body["results"])
        pages += 1
        cursor = body.get("next_cursor")
        if not cursor:
            return slots, pages
