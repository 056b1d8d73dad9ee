"""Times and dates the NHS way, in London time, for every app's templates: 6:30pm, midday,
Tue 4 Mar, 6:45pm."""

from django import template

from core import time

register = template.Library()

register.filter("clock", time.clock)
register.filter("day_and_time", time.day_and_time)
register.filter("short_day_and_time", time.short_day_and_time)
register.filter("date_and_time", time.date_and_time)
register.filter("long_date_and_time", lambda instant: time.date_and_time(instant, long=True))
register.filter(
    "date_and_time_to_the_second", lambda instant: time.date_and_time(instant, seconds=True)
)
