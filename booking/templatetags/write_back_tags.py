"""Template helpers for write-back: a message's state as an NHS.UK tag, the count of sync
exceptions for a menu or a home-page card, and the open write-back alerts for the home page."""

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from booking import sync_exceptions
from booking.models import WriteBackMessage
from governance.selectors import WRITE_BACK_ALERT_KINDS, alerts_for

register = template.Library()

State = WriteBackMessage.State
_TAGS = {
    State.PENDING: ("Waiting", "nhsuk-tag--yellow"),
    State.DELIVERING: ("Sending", "nhsuk-tag--yellow"),
    State.DELIVERED: ("In practice system", "nhsuk-tag--green"),
    State.CONFLICT: ("Conflict", "nhsuk-tag--red"),
    State.FAILED: ("Refused", "nhsuk-tag--orange"),
    State.DEAD: ("Gave up", "nhsuk-tag--orange"),
    State.MANUAL: ("Enter by hand", "nhsuk-tag--blue"),
}


@register.filter
def write_back_state_tag(message: WriteBackMessage) -> SafeString:
    label, css = _TAGS.get(message.state, (message.state, "nhsuk-tag--grey"))
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)


@register.simple_tag
def sync_exception_count(request: HttpRequest) -> int:
    """Open sync exceptions for the acting organisation (0 when not acting)."""
    acting = getattr(request, "acting", None)
    return sync_exceptions.sync_exception_count(acting.organisation) if acting else 0


NEWEST_ALERTS = 3


@register.simple_tag
def write_back_alerts(request: HttpRequest) -> dict:
    """Open write-back alerts the acting role can act on: how many, and the newest few."""
    acting = getattr(request, "acting", None)
    if acting is None:
        return {"count": 0, "newest": []}
    alerts = alerts_for(
        user=request.user, organisation=acting.organisation, kinds=WRITE_BACK_ALERT_KINDS
    )
    newest = list(alerts[:NEWEST_ALERTS])
    count = len(newest) if len(newest) < NEWEST_ALERTS else alerts.count()
    return {"count": count, "newest": newest, "more": count - len(newest)}
