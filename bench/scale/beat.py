"""The Celery app beat runs in the scale proof: the production settings, and only the jobs
whose duplicates would show (patients' reminders, the write-back sweep), named as
config/celery.py names them but due every second rather than every few minutes, so that two
beats both send them many times while the proof watches. Beat sends jobs by task name;
the worker nodes run them as the production app defines them."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hubdiary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = {
    "remind-patients": {"task": "booking.remind_patients", "schedule": 1.0},
    "sweep-write-back": {"task": "writeback.sweep_write_back", "schedule": 1.0},
}
