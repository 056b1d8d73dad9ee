"""Pooled search: free slots across the practices the acting organisation books into."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from booking import diaries
from booking.forms.search import SlotSearchForm
from booking.search import free_slots_for
from core.paging import SEARCH_PAGE_SIZE, InvalidCursor, decode_cursor, encode_cursor
from core.replica import reads_from_replica
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm

from ._patients import chosen_patient

# Signs the cursors of search pages, so that one cannot be used for another list.
_CURSOR_SALT = "booking.slot-search"


def search_slots(request: HttpRequest) -> dict:
    """Read the filters, run one search page, and say where the next page starts."""
    practices, sites, slot_types = diaries.search_choices(request.acting.organisation)
    form = SlotSearchForm(request.GET, practices=practices, sites=sites, slot_types=slot_types)
    slots, next_page = [], None
    if form.is_valid():
        start, end = form.window()
        found = free_slots_for(
            actor=Actor.from_request(request),
            start=start,
            end=end,
            filters=form.filters(),
            limit=SEARCH_PAGE_SIZE + 1,
            after=_after(request.GET.get("after", "")),
        )
        slots = found[:SEARCH_PAGE_SIZE]
        if len(found) > SEARCH_PAGE_SIZE:
            next_page = encode_cursor(slots[-1].start, slots[-1].pk, salt=_CURSOR_SALT)
    return {
        "form": form,
        "slots": slots,
        "next_page": next_page,
        "first_page": not request.GET.get("after"),
    }


def _after(cursor: str) -> tuple[datetime.datetime, int] | None:
    """Where the page starts: after the slot the cursor names, or at the start of the window
    when there is no cursor or it is not one we gave out (a page reloads from the start)."""
    if not cursor:
        return None
    try:
        return decode_cursor(cursor, salt=_CURSOR_SALT)
    except InvalidCursor:
        return None


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    patient = chosen_patient(request, request.GET.get("patient"))
    context = {**search_slots(request), "patient": patient}
    template = "booking/search_results.htmx.html" if request.htmx else "booking/search.html"
    return render(request, template, context)
