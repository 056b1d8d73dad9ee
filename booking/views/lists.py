"""Lists of bookings: every booking into the practice's slots, and the bookings the acting
organisation made."""

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from booking.diaries import local_midnight
from booking.forms import BookingListForm
from booking.selectors import bookings_by, bookings_into
from governance.permissions import Perm
from patients.selectors import record_patient_search
from practices.decorators import staff_view

PAGE_SIZE = 50


def _page(request: HttpRequest, select, action: str) -> dict:
    first, days = BookingListForm(request.GET).window()
    bookings = select(
        request.acting.organisation,
        local_midnight(first),
        local_midnight(first + datetime.timedelta(days=days)),
    )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        record_patient_search(request=request, action=action, results=len(page.object_list))
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
    return render(
        request, "booking/practice_bookings.html", _page(request, bookings_into, "booking.list")
    )


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def bookings_made(request: HttpRequest) -> HttpResponse:
    return render(
        request, "booking/bookings_made.html", _page(request, bookings_by, "booking.list")
    )
