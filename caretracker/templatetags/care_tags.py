"""The rapid response clock, for task pages and the inbox."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


def _span(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@register.inclusion_tag("caretracker/_clock.html")
def task_clock(task, now=None):
    """Time left before the task is due, or how long overdue: red when overdue, orange in
    its last half hour."""
    now = now or timezone.now()
    left = task.due_at - now
    if left < datetime.timedelta(0):
        return {"text": f"{_span(-left)} overdue", "colour": "red", "task": task}
    colour = "orange" if left <= datetime.timedelta(minutes=30) else "blue"
    return {"text": f"{_span(left)} left", "colour": colour, "task": task}
