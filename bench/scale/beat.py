"""The Celery app as beat runs it in the scale proof: the jobs whose duplicates would show
(patients' reminders, the write-back sweep) due every second rather than every few minutes,
so that two beats both send them many times while the proof watches."""

from config.celery import app

FAST = {"remind-patients", "sweep-write-back"}

app.conf.beat_schedule = {
    name: {**entry, "schedule": 1.0}
    for name, entry in app.conf.beat_schedule.items()
    if name in FAST
}

__all__ = ["app"]
