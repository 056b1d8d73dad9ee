"""Messages to patients that the acting organisation sent, for its staff: which went, which
were delivered, which failed. Addresses are masked and no patient is named, so the list is
not patient data and needs no access decision; what a message was about is its template."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.paging import PAGE_SIZE
from governance.decorators import staff_view
from governance.permissions import Perm
from notifications.models import Message
from notifications.templates import SMS_TEMPLATES, TEMPLATES

# Failed first: what a hub manager needs to act on.
_FILTERS = {
    "problems": (Message.Status.FAILED, Message.Status.UNDELIVERED),
    "all": None,
}


def masked(message: Message) -> str:
    """Enough of the address to tell two apart, not enough to use."""
    if message.channel == Message.Channel.SMS:
        return f"07••• ••{message.to[-4:]}" if len(message.to) > 4 else "••••"
    local, _, domain = message.to.partition("@")
    return f"{local[:1]}•••@{domain}"


def _about(template: str) -> str:
    if template in TEMPLATES:
        return TEMPLATES[template][0].replace("((", "").replace("))", "").split(":")[0].strip()
    return SMS_TEMPLATES.get(template, template)[:40]


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def messages_sent(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("show", "problems")
    messages = Message.objects.filter(organisation_id=request.acting.organisation.pk)
    if _FILTERS.get(shown):
        messages = messages.filter(status__in=_FILTERS[shown])
    page = Paginator(messages.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "when": message.created_at,
            "channel": message.get_channel_display(),
            "about": _about(message.template),
            "to": masked(message),
            "status": message.get_status_display(),
            "status_value": message.status,
            "changed": message.status_changed_at,
            "attempts": message.attempts,
            "error": message.error,
            "delivery": message.delivery_status,
        }
        for message in page.object_list
    ]
    counts = {
        status: Message.objects.filter(
            organisation_id=request.acting.organisation.pk, status=status
        ).count()
        for status in Message.Status.values
    }
    context = {"rows": rows, "page": page, "shown": shown, "counts": counts}
    return render(request, "organisation/messages.html", context)
