"""Template helpers for write-back: a message's state as an NHS.UK tag. No queries."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from writeback.models import WriteBackMessage

register = template.Library()

State = WriteBackMessage.State
_TAGS = {
    State.PENDING: ("Waiting", "nhsuk-tag--yellow"),
    State.DELIVERING: ("Sending", "nhsuk-tag--yellow"),
    State.CONFIRMED: ("In practice system", "nhsuk-tag--green"),
    State.CONFLICT: ("Conflict", "nhsuk-tag--red"),
    State.FAILED: ("Refused", "nhsuk-tag--orange"),
    State.DEAD: ("Gave up", "nhsuk-tag--orange"),
    State.MANUAL: ("Enter by hand", "nhsuk-tag--blue"),
}


@register.filter
def write_back_state_tag(message: WriteBackMessage) -> SafeString:
    label, css = _TAGS.get(message.state, (message.state, "nhsuk-tag--grey"))
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)
