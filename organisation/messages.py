"""Messages to patients that the acting organisation sent, for its staff: which went, which
were delivered, which failed.

The list names no patient: each message shows what it was (its template), its address masked
and its state. So it is not patient data, goes through no access decision and writes no
audit event; the page that would name the patient (the booking) does both."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.paging import PAGE_SIZE
from governance.decorators import staff_view
from governance.permissions import Perm
from notifications.addresses import masked
from notifications.models import Message
from notifications.selectors import count_by_state, messages_of
from notifications.templates import human_name

S = Message.Status
# The filters, failed first: what a hub manager needs to act on.
FILTERS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "problems": ("Failed or not delivered", (S.FAILED, S.UNDELIVERED)),
    "on-the-way": ("Waiting or sent", (S.PENDING, S.SENT)),
    "delivered": ("Delivered", (S.DELIVERED,)),
    "all": ("All messages", None),
}
TAGS = {S.DELIVERED: "green", S.FAILED: "red", S.UNDELIVERED: "red", S.SENT: "blue"}


# Who books for patients sees the messages their bookings sent: hub and practice
# receptionists and managers, clinicians who book. Patients are not named here.
@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def messages_sent(request: HttpRequest) -> HttpResponse:
    organisation_id = request.acting.organisation.pk
    shown = request.GET.get("show", "")
    if shown not in FILTERS:
        shown = "problems"
    messages = messages_of(organisation_id=organisation_id, states=FILTERS[shown][1])
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = count_by_state(organisation_id=organisation_id)
    filters = [
        {
            "value": value,
            "label": label,
            "count": sum(counts.values()) if states is None else sum(counts[s] for s in states),
        }
        for value, (label, states) in FILTERS.items()
    ]
    rows = [
        {
            "when": message.created_at,
            "channel": message.get_channel_display(),
            "about": human_name(message.template),
            "to": masked(message.to),
            "state": message.get_status_display(),
            "tag": TAGS.get(message.status, "grey"),
            "changed": message.status_changed_at,
            "notify_said": message.delivery_status,
            "attempts": message.attempts,
            "error": message.error,
        }
        for message in page.object_list
    ]
    context = {"rows": rows, "page": page, "shown": shown, "filters": filters}
    return render(request, "organisation/messages.html", context)
