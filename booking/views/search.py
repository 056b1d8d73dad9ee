"""Pooled search: free slots across the practices the acting organisation books into."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from booking import diaries
from booking.forms import SlotSearchForm, cursor_for, read_cursor
from booking.selectors import free_slots_for
from governance.audit import Actor
from governance.permissions import Perm
from practices.decorators import staff_view

from ._patients import chosen_patient

PAGE_SIZE = 25


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
            limit=PAGE_SIZE + 1,
            after=read_cursor(request.GET.get("after", "")),
        )
        slots = found[:PAGE_SIZE]
        if len(found) > PAGE_SIZE:
            next_page = cursor_for(slots[-1].start, slots[-1].pk)
    return {
        "form": form,
        "slots": slots,
        "next_page": next_page,
        "first_page": not request.GET.get("after"),
    }


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    patient = chosen_patient(request, request.GET.get("patient"))
    context = {**search_slots(request), "patient": patient}
    template = "booking/search_results.htmx.html" if request.htmx else "booking/search.html"
    return render(request, template, context)
