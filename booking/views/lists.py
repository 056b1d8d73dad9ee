"""Lists of bookings: every booking into the practice's slots, and the bookings the acting
organisation made."""

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from booking.forms.lists import BookingListForm
from booking.selectors import bookings_by, bookings_into
from core.paging import PAGE_SIZE
from core.time import london_day_start
from governance.access import Purpose, audit_listing
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm


def _page(request: HttpRequest, select) -> dict:
    first, days = BookingListForm(request.GET).window()
    actor = Actor.from_request(request)
    bookings = select(
        actor=actor,
        start=london_day_start(first),
        end=london_day_start(first + datetime.timedelta(days=days)),
    )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_listing(
        actor,
        Purpose.BOOK,
        action=Action.BOOKING_LIST,
        patients=[booking.patient for booking in page],
    )
    return {
        "page": page,
        "first": first,
        "last": first + datetime.timedelta(days=days - 1),
        "weeks": days // 7,
        "week_choices": BookingListForm.base_fields["weeks"].choices,
    }


@staff_view(Perm.MANAGE_SESSIONS)
@require_GET
def practice_bookings(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/practice_bookings.html", _page(request, bookings_into))


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def bookings_made(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/bookings_made.html", _page(request, bookings_by))
